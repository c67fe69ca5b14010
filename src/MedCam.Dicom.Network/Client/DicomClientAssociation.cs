using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Files;
using MedCam.Dicom.Network.Pdus;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Client;

/// <summary>An established association on the requestor side. Operations run one at a time.</summary>
public sealed class DicomClientAssociation : IAsyncDisposable
{
    private readonly DicomConnection connection;
    private readonly DimseChannel channel;
    private readonly ILogger logger;
    private readonly SemaphoreSlim operation = new(1, 1);
    private int messageId;

    internal DicomClientAssociation(DicomConnection connection, AssociateAcceptPdu accept, IReadOnlyList<AcceptedPresentationContext> accepted, ILogger logger)
    {
        this.connection = connection;
        this.logger = logger;
        Accept = accept;
        PresentationContexts = accepted;
        channel = new DimseChannel(connection, accepted.ToDictionary(c => c.Id));
    }

    /// <summary>The peer's A-ASSOCIATE-AC, including its user information.</summary>
    public AssociateAcceptPdu Accept { get; }

    public IReadOnlyList<AcceptedPresentationContext> PresentationContexts { get; }

    public AssociationState State => connection.Machine.State;

    /// <summary>The accepted context for an abstract syntax in exactly this transfer syntax, if any.</summary>
    public AcceptedPresentationContext? FindContext(string abstractSyntax, string? transferSyntax = null) =>
        PresentationContexts.FirstOrDefault(c => c.AbstractSyntax == abstractSyntax && (transferSyntax is null || c.TransferSyntax == transferSyntax));

    /// <summary>C-ECHO (PS3.7 9.1.5).</summary>
    public async Task<DimseStatus> EchoAsync(CancellationToken cancellationToken = default)
    {
        var context = FindContext(DicomNetworkUids.Verification)
            ?? throw new DicomNetworkException("The peer did not accept the Verification SOP class.");
        var response = await RequestAsync(context, id => DimseCommand.CEchoRequest(id), null, cancellationToken).ConfigureAwait(false);
        return response.Status ?? throw new DicomNetworkException("C-ECHO-RSP without a status.");
    }

    /// <summary>C-STORE of a dataset already encoded in <paramref name="context"/>'s transfer syntax.</summary>
    public async Task<DimseCommand> StoreAsync(AcceptedPresentationContext context, string sopInstanceUid, Stream dataSet, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await RequestAsync(
            context,
            id => DimseCommand.CStoreRequest(id, context.AbstractSyntax, sopInstanceUid),
            (dataSet, length),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a Part 10 file in its own transfer syntax, on the context negotiated for it.</summary>
    public async Task<StoreResult> StoreFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            FileMetaInformation meta;
            try
            {
                meta = Part10Header.Read(file, path);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                return new StoreResult(path, null, null, ex.Message);
            }

            DimseCommand response;
            if (FindContext(meta.SopClassUid, meta.TransferSyntaxUid) is { } own)
            {
                response = await StoreAsync(own, meta.SopInstanceUid, file, file.Length - meta.DataSetOffset, cancellationToken).ConfigureAwait(false);
            }
            else if (PresentationContexts.FirstOrDefault(c => c.AbstractSyntax == meta.SopClassUid && TransferSyntaxConversion.UncompressedTargets.Contains(c.TransferSyntax)) is { } fallback
                && TransferSyntaxConversion.CanDecode(meta.TransferSyntaxUid))
            {
                byte[] converted;
                try
                {
                    converted = TransferSyntaxConversion.Convert(path, fallback.TransferSyntax);
                }
                catch (DicomException ex)
                {
                    return new StoreResult(path, meta.SopInstanceUid, null, $"{path}: cannot convert {meta.TransferSyntaxUid} to {fallback.TransferSyntax}: {ex.Message}");
                }

                using var dataSet = new MemoryStream(converted, writable: false);
                response = await StoreAsync(fallback, meta.SopInstanceUid, dataSet, converted.Length, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return new StoreResult(path, meta.SopInstanceUid, null,
                    $"No accepted presentation context for SOP class {meta.SopClassUid} in transfer syntax {meta.TransferSyntaxUid}.");
            }

            var status = response.Status ?? throw new DicomNetworkException("C-STORE-RSP without a status.");
            if (!status.IsSuccessOrWarning)
            {
                logger.LogWarning("C-STORE of {SopInstanceUid} answered {Status} {Comment}", meta.SopInstanceUid, status, response.ErrorComment);
            }

            return new StoreResult(path, meta.SopInstanceUid, status, status.IsSuccessOrWarning ? null : response.ErrorComment ?? $"Status {status}");
        }
    }

    /// <summary>A-RELEASE (PS3.8 7.2), handling a release collision (Sta9-Sta12).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.SendAsync(AssociationEvent.ReleaseRequestPrimitive, ReleaseRequestPdu.Instance, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var received = await connection.ReceiveAsync(connection.Timeouts.Response, cancellationToken).ConfigureAwait(false);
                switch (received.Type)
                {
                    case PduType.ReleaseResponse when connection.Machine.State == AssociationState.Idle:
                        return;
                    case PduType.ReleaseRequest:
                        await connection.SendAsync(AssociationEvent.ReleaseResponsePrimitive, ReleaseResponsePdu.Instance, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        // P-DATA while awaiting A-RELEASE-RP (AR-6) is passed up and ignored here.
                        break;
                }
            }
        }
        finally
        {
            operation.Release();
        }
    }

    /// <summary>A-ABORT (PS3.8 7.3).</summary>
    public ValueTask AbortAsync() => connection.AbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified);

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        operation.Dispose();
    }

    private async Task<DimseCommand> RequestAsync(AcceptedPresentationContext context, Func<ushort, DimseCommand> build, (Stream Data, long Length)? dataSet, CancellationToken cancellationToken)
    {
        await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var id = (ushort)(Interlocked.Increment(ref messageId) & 0xFFFF);
            var request = build(id);
            await channel.SendCommandAsync(context.Id, request, cancellationToken).ConfigureAwait(false);
            if (dataSet is { } data)
            {
                await channel.SendDataSetAsync(context.Id, data.Data, data.Length, cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                var incoming = await channel.ReadCommandAsync(connection.Timeouts.Response, cancellationToken).ConfigureAwait(false)
                    ?? throw new DicomAssociationAbortedException("The peer asked to release while a response was outstanding.");
                if (incoming.Command.HasDataSet)
                {
                    using var skip = new DicomDataSetStream(channel, incoming.PresentationContext.Id, connection.Timeouts.Response);
                    await skip.DrainAsync(cancellationToken).ConfigureAwait(false);
                }

                if (incoming.Command.IsRequest || incoming.Command.MessageIdBeingRespondedTo != id)
                {
                    logger.LogWarning("Ignoring unexpected {Command} (responding to {RespondedTo}) while waiting for the response to {Id}",
                        incoming.Command.CommandField, incoming.Command.MessageIdBeingRespondedTo, id);
                    continue;
                }

                if (incoming.Command.Status is { Category: DimseStatusCategory.Pending })
                {
                    continue;
                }

                return incoming.Command;
            }
        }
        finally
        {
            operation.Release();
        }
    }
}
