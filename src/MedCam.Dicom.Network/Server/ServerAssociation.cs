using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Pdus;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Server;

/// <summary>
/// The acceptor side of one association: ARTIM for the request, policy checks, negotiation, then the DIMSE loop
/// until release or abort. Everything that goes wrong ends this association only.
/// </summary>
internal sealed class ServerAssociation
{
    private readonly DicomServerOptions options;
    private readonly DicomServiceProviders providers;
    private readonly ILogger logger;
    private readonly Socket socket;
    private readonly long id;
    private readonly bool overLimit;
    private DicomAssociationInfo? established;

    public ServerAssociation(Socket socket, long id, bool overLimit, DicomServerOptions options, DicomServiceProviders providers, ILogger logger)
    {
        this.socket = socket;
        this.id = id;
        this.overLimit = overLimit;
        this.options = options;
        this.providers = providers;
        this.logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var name = $"assoc#{id} {socket.RemoteEndPoint}";
        DicomAssociationInfo? info = null;
        var outcome = AssociationOutcome.Aborted;
        try
        {
            socket.NoDelay = true;
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (options.Tls is { } tls)
            {
                // The TLS handshake is part of opening the transport (PS3.15 B.1); ARTIM bounds it.
                stream = await AuthenticateAsync(stream, tls, cancellationToken).ConfigureAwait(false);
            }

            var connection = new DicomConnection(stream, socket, isRequestor: false, options.Timeouts, logger, name)
            {
                OwnMaxPduLength = options.MaxPduLength,
            };
            await using (connection.ConfigureAwait(false))
            {
                connection.Machine.Fire(AssociationEvent.TransportConnectIndication);
                (info, outcome) = await ServeAsync(connection, options.Tls is not null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DicomAssociationAbortedException ex)
        {
            logger.LogInformation("{Association}: {Problem}", name, ex.Message);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException)
        {
            logger.LogInformation("{Association}: ended: {Problem}", name, ex.Message);
        }
        catch (Exception ex)
        {
            // A bug in one association must not take the listener down.
            logger.LogError(ex, "{Association}: unexpected failure", name);
        }
        finally
        {
            socket.Dispose();
            info ??= established;
            if (info is not null && providers.Observer is { } observer)
            {
                try
                {
                    await observer.OnAssociationClosedAsync(info, outcome, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "{Association}: association observer failed", name);
                }
            }
        }
    }

    private async Task<Stream> AuthenticateAsync(Stream stream, Security.DicomTlsServerOptions tls, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false, tls.ClientCertificateValidation);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(options.Timeouts.Artim);
        await ssl.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificate = tls.Certificate,
                ClientCertificateRequired = tls.RequireClientCertificate,
                EnabledSslProtocols = tls.EnabledProtocols,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            },
            timer.Token).ConfigureAwait(false);
        return ssl;
    }

    private async Task<(DicomAssociationInfo? Info, AssociationOutcome Outcome)> ServeAsync(DicomConnection connection, bool isTls, CancellationToken cancellationToken)
    {
        var received = await connection.ReceiveAsync(options.Timeouts.Artim, cancellationToken).ConfigureAwait(false);
        if (received.Pdu is not AssociateRequestPdu request)
        {
            throw new DicomAssociationAbortedException($"Expected A-ASSOCIATE-RQ, got {received.Type}.");
        }

        if (Check(request) is { } reject)
        {
            logger.LogWarning(
                "{Association}: rejecting association from {CallingAe} to {CalledAe}: {Reason}",
                connection.Name, request.CallingAeTitle, request.CalledAeTitle, reject.Describe());
            await connection.SendAsync(AssociationEvent.AssociateRejectPrimitive, reject, cancellationToken).ConfigureAwait(false);
            await connection.AwaitPeerCloseAsync(cancellationToken).ConfigureAwait(false);
            return (null, AssociationOutcome.Rejected);
        }

        var negotiator = new PresentationContextNegotiator(AcceptsAbstractSyntax, options.AcceptTransferSyntax, options.PreferredTransferSyntaxes);
        var answers = negotiator.Negotiate(request.PresentationContexts);
        var accepted = answers.Where(a => a.IsAccepted)
            .Select(a => new AcceptedPresentationContext(a.Id, request.PresentationContexts.First(p => p.Id == a.Id).AbstractSyntax, a.TransferSyntax!))
            .ToList();
        var accept = new AssociateAcceptPdu
        {
            CalledAeTitle = request.CalledAeTitle,
            CallingAeTitle = request.CallingAeTitle,
            PresentationContexts = answers,
            UserInformation = new UserInformation
            {
                MaxPduLength = options.MaxPduLength,
                ImplementationClassUid = options.ImplementationClassUid,
                ImplementationVersionName = options.ImplementationVersionName,
                AsyncOperations = PresentationContextNegotiator.AnswerAsyncWindow(request.UserInformation.AsyncOperations),
                RoleSelections = PresentationContextNegotiator.AnswerRoles(request.UserInformation.RoleSelections, accepted),
            },
        };
        connection.PeerMaxPduLength = request.UserInformation.MaxPduLength;
        await connection.SendAsync(AssociationEvent.AssociateAcceptPrimitive, accept, cancellationToken).ConfigureAwait(false);
        var info = new DicomAssociationInfo
        {
            Id = id,
            CallingAeTitle = request.CallingAeTitle,
            CalledAeTitle = request.CalledAeTitle,
            RemoteEndPoint = socket.RemoteEndPoint,
            PeerImplementationClassUid = request.UserInformation.ImplementationClassUid,
            PeerImplementationVersionName = request.UserInformation.ImplementationVersionName,
            IsTls = isTls,
            PresentationContexts = accepted,
        };
        established = info;
        logger.LogInformation(
            "{Association}: accepted {CallingAe} -> {CalledAe}, {Accepted}/{Proposed} presentation contexts, peer max PDU {PeerMaxPdu}",
            connection.Name, request.CallingAeTitle, request.CalledAeTitle, accepted.Count, answers.Count, connection.PeerMaxPduLength);

        var channel = new DimseChannel(connection, accepted.ToDictionary(c => c.Id));
        var dispatcher = new DimseDispatcher(channel, info, options, providers, logger);
        while (true)
        {
            var incoming = await channel.ReadCommandAsync(options.Timeouts.Idle, cancellationToken).ConfigureAwait(false);
            if (incoming is null)
            {
                await connection.SendAsync(AssociationEvent.ReleaseResponsePrimitive, ReleaseResponsePdu.Instance, cancellationToken).ConfigureAwait(false);
                await connection.AwaitPeerCloseAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation("{Association}: released", connection.Name);
                return (info, AssociationOutcome.Released);
            }

            await dispatcher.DispatchAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool AcceptsAbstractSyntax(string uid) =>
        (uid == DicomNetworkUids.Verification && providers.Echo is not null)
        || (providers.Store is not null && options.AcceptStorageSopClass(uid));

    /// <summary>Association-level policy, PS3.8 Table 9-21 codes.</summary>
    private AssociateRejectPdu? Check(AssociateRequestPdu request)
    {
        if ((request.ProtocolVersion & 1) == 0)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceProviderAcse, AssociateRejectReason.ProtocolVersionNotSupported);
        }

        if (request.ApplicationContextName != AssociatePdu.DicomApplicationContext)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.ApplicationContextNotSupported);
        }

        if (options.RequireCalledAeTitle && !string.Equals(request.CalledAeTitle, options.AeTitle, StringComparison.Ordinal))
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CalledAeNotRecognized);
        }

        if (options.AllowedCallingAeTitles is { } allowed && !allowed.Contains(request.CallingAeTitle))
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CallingAeNotRecognized);
        }

        if (options.AllowedHosts is { } hosts && !IsAllowedHost(hosts))
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.NoReasonGiven);
        }

        if (overLimit)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, AssociateRejectReason.LocalLimitExceeded);
        }

        return null;
    }

    private bool IsAllowedHost(IReadOnlyList<IPNetwork> hosts)
    {
        if (socket.RemoteEndPoint is not IPEndPoint remote)
        {
            return false;
        }

        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        return hosts.Any(network => network.Contains(address));
    }
}
