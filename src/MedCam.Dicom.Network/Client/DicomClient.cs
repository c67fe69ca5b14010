using System.Net.Security;
using System.Net.Sockets;
using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Files;
using MedCam.Dicom.Network.Pdus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace MedCam.Dicom.Network.Client;

/// <summary>
/// The requestor side: opens associations (TCP, optional TLS, A-ASSOCIATE), and offers C-ECHO and C-STORE of many
/// files over as few associations as their SOP class / transfer syntax pairs allow, with retries.
/// </summary>
public sealed class DicomClient
{
    /// <summary>PS3.8 9.3.2.2: presentation context ids are odd numbers 1-255, so at most 128 per association.</summary>
    public const int MaxPresentationContexts = 128;

    private readonly DicomClientOptions options;
    private readonly ILogger logger;
    private readonly ResiliencePipeline pipeline;

    public DicomClient(DicomClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DicomClient>();
        pipeline = options.ResiliencePipeline ?? BuildPipeline(options.Retry, logger);
    }

    public DicomClientOptions Options => options;

    /// <summary>Opens an association proposing <paramref name="contexts"/> (ids must be odd and distinct).</summary>
    /// <exception cref="DicomAssociationRejectedException">The peer answered A-ASSOCIATE-RJ.</exception>
    public async Task<DicomClientAssociation> AssociateAsync(IReadOnlyList<PresentationContextProposal> contexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        if (contexts.Count is 0 or > MaxPresentationContexts)
        {
            throw new ArgumentException($"Between 1 and {MaxPresentationContexts} presentation contexts are needed, got {contexts.Count}.", nameof(contexts));
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        using (var connectTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimer.CancelAfter(options.Timeouts.Connect);
            try
            {
                await socket.ConnectAsync(options.Host, options.Port, connectTimer.Token).ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (options.Tls is { } tls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false, tls.BuildValidation());
                    stream = ssl;
                    await ssl.AuthenticateAsClientAsync(
                        new SslClientAuthenticationOptions
                        {
                            TargetHost = tls.TargetHost ?? options.Host,
                            ClientCertificates = tls.ClientCertificates,
                            EnabledSslProtocols = tls.EnabledProtocols,
                            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                        },
                        connectTimer.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new DicomNetworkException($"Could not connect to {options.Host}:{options.Port} within {options.Timeouts.Connect.TotalSeconds:0.#} s.");
            }
            catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
            {
                socket.Dispose();
                throw new DicomNetworkException($"Could not connect to {options.Host}:{options.Port}: {ex.Message}", ex);
            }
        }

        var connection = new DicomConnection(stream, socket, isRequestor: true, options.Timeouts, logger, $"{options.CallingAeTitle}->{options.CalledAeTitle}@{options.Host}:{options.Port}")
        {
            OwnMaxPduLength = options.MaxPduLength,
        };
        try
        {
            connection.Machine.Fire(AssociationEvent.AssociateRequestPrimitive);
            var request = new AssociateRequestPdu
            {
                CalledAeTitle = options.CalledAeTitle,
                CallingAeTitle = options.CallingAeTitle,
                PresentationContexts = contexts,
                UserInformation = new UserInformation
                {
                    MaxPduLength = options.MaxPduLength,
                    ImplementationClassUid = options.ImplementationClassUid,
                    ImplementationVersionName = options.ImplementationVersionName,
                    AsyncOperations = options.AsyncOperations is { } window ? new AsyncOperationsWindow(window.MaxOperationsInvoked, window.MaxOperationsPerformed) : null,
                },
            };
            await connection.SendAsync(AssociationEvent.TransportConnectConfirm, request, cancellationToken).ConfigureAwait(false);
            var received = await connection.ReceiveAsync(options.Timeouts.Response, cancellationToken).ConfigureAwait(false);
            switch (received.Pdu)
            {
                case AssociateRejectPdu reject:
                    throw new DicomAssociationRejectedException(reject);
                case AssociateAcceptPdu accept:
                    connection.PeerMaxPduLength = accept.UserInformation.MaxPduLength;
                    var accepted = new List<AcceptedPresentationContext>();
                    foreach (var answer in accept.PresentationContexts.Where(a => a.IsAccepted))
                    {
                        if (contexts.FirstOrDefault(p => p.Id == answer.Id) is { } proposal && proposal.TransferSyntaxes.Contains(answer.TransferSyntax!))
                        {
                            accepted.Add(new AcceptedPresentationContext(answer.Id, proposal.AbstractSyntax, answer.TransferSyntax!));
                        }
                    }

                    logger.LogDebug("{Association}: associated, {Accepted}/{Proposed} contexts accepted", connection.Name, accepted.Count, contexts.Count);
                    return new DicomClientAssociation(connection, accept, accepted, logger);
                default:
                    throw new DicomNetworkException($"Unexpected {received.Type} PDU in answer to A-ASSOCIATE-RQ.");
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens an association for Verification, sends C-ECHO, releases.</summary>
    public async Task<DimseStatus> EchoAsync(CancellationToken cancellationToken = default) =>
        await pipeline.ExecuteAsync(
            async ct =>
            {
                var association = await AssociateAsync(
                    [new PresentationContextProposal(1, DicomNetworkUids.Verification, [DicomNetworkUids.ImplicitVrLittleEndian])], ct).ConfigureAwait(false);
                await using (association.ConfigureAwait(false))
                {
                    var status = await association.EchoAsync(ct).ConfigureAwait(false);
                    await association.ReleaseAsync(ct).ConfigureAwait(false);
                    return status;
                }
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sends Part 10 files in their own transfer syntaxes: one presentation context per (SOP class, transfer syntax)
    /// pair, as many files per association as the 128-context limit allows, transient failures retried without
    /// resending files already stored. Returns one result per input file, in input order.
    /// </summary>
    public async Task<IReadOnlyList<StoreResult>> StoreFilesAsync(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = paths.ToList();
        var results = new StoreResult?[files.Count];
        var sendable = new List<(int Index, FileMetaInformation Meta)>();
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                using var stream = new FileStream(files[i], FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
                sendable.Add((i, Part10Header.Read(stream, files[i])));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                results[i] = new StoreResult(files[i], null, null, ex.Message);
            }
        }

        foreach (var batch in Batch(sendable, options.FallbackToUncompressed))
        {
            var pending = new Queue<(int Index, FileMetaInformation Meta)>(batch);
            var contexts = ProposeContexts(batch.Select(f => f.Meta), options.FallbackToUncompressed);
            await pipeline.ExecuteAsync(
                async ct =>
                {
                    var association = await AssociateAsync(contexts, ct).ConfigureAwait(false);
                    await using (association.ConfigureAwait(false))
                    {
                        while (pending.TryPeek(out var file))
                        {
                            results[file.Index] = await association.StoreFileAsync(files[file.Index], ct).ConfigureAwait(false);
                            pending.Dequeue();
                        }

                        await association.ReleaseAsync(ct).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        return results.Select((r, i) => r ?? new StoreResult(files[i], null, null, "Not sent.")).ToList();
    }

    /// <summary>
    /// One context per (SOP class, transfer syntax) pair in the file's own syntax, plus, with fallback, one
    /// uncompressed context per SOP class whose files the core can convert (PS3.8 9.3.2.2: odd ids 1-255).
    /// </summary>
    internal static List<PresentationContextProposal> ProposeContexts(IEnumerable<FileMetaInformation> files, bool fallback)
    {
        var metas = files.ToList();
        var proposals = new List<PresentationContextProposal>();
        foreach (var (sopClass, syntax) in metas.Select(m => (m.SopClassUid, m.TransferSyntaxUid)).Distinct())
        {
            proposals.Add(new PresentationContextProposal((byte)((2 * proposals.Count) + 1), sopClass, [syntax]));
        }

        if (fallback)
        {
            foreach (var sopClass in metas.Where(m => TransferSyntaxConversion.CanDecode(m.TransferSyntaxUid)).Select(m => m.SopClassUid).Distinct())
            {
                proposals.Add(new PresentationContextProposal((byte)((2 * proposals.Count) + 1), sopClass, TransferSyntaxConversion.UncompressedTargets));
            }
        }

        return proposals;
    }

    /// <summary>Groups files so that no group needs more than 128 presentation contexts.</summary>
    private static IEnumerable<List<(int Index, FileMetaInformation Meta)>> Batch(List<(int Index, FileMetaInformation Meta)> files, bool fallback)
    {
        var batch = new List<(int Index, FileMetaInformation Meta)>();
        foreach (var group in files.GroupBy(f => (f.Meta.SopClassUid, f.Meta.TransferSyntaxUid)))
        {
            var candidate = batch.Concat(group).ToList();
            if (batch.Count > 0 && ProposeContexts(candidate.Select(f => f.Meta), fallback).Count > MaxPresentationContexts)
            {
                yield return [.. batch.OrderBy(f => f.Index)];
                batch = [.. group];
            }
            else
            {
                batch = candidate;
            }
        }

        if (batch.Count > 0)
        {
            yield return [.. batch.OrderBy(f => f.Index)];
        }
    }

    private static ResiliencePipeline BuildPipeline(DicomRetryOptions retry, ILogger logger)
    {
        if (retry.MaxRetryAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetryAttempts,
                Delay = retry.Delay,
                BackoffType = retry.BackoffType,
                ShouldHandle = new PredicateBuilder().Handle<DicomNetworkException>(IsTransient),
                OnRetry = args =>
                {
                    logger.LogWarning("DICOM association attempt {Attempt} failed ({Problem}); retrying in {Delay}", args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Permanent rejections (wrong AE title, not allowed) will not get better by retrying.</summary>
    private static bool IsTransient(DicomNetworkException exception) =>
        exception is not DicomAssociationRejectedException rejected || rejected.IsTransient;
}
