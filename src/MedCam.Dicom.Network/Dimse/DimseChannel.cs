using System.Buffers;
using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Pdus;

namespace MedCam.Dicom.Network.Dimse;

/// <summary>
/// DIMSE messages over one connection (PS3.7 9.1, PS3.8 Annex E): assembles command fragments, hands dataset
/// fragments out as they arrive (so a C-STORE can stream to disk), and fragments outgoing messages to honour the
/// peer's maximum PDU length.
/// </summary>
internal sealed class DimseChannel
{
    /// <summary>Largest PDV we put in one PDU, whatever the peer allows.</summary>
    internal const int LocalSendCap = 1 << 20;

    /// <summary>A command set larger than this is not a command set.</summary>
    private const int MaxCommandLength = 64 * 1024;

    private readonly DicomConnection connection;
    private readonly IReadOnlyDictionary<byte, AcceptedPresentationContext> contexts;
    private List<PresentationDataValue>? pending;
    private int pendingIndex;

    public DimseChannel(DicomConnection connection, IReadOnlyDictionary<byte, AcceptedPresentationContext> contexts)
    {
        this.connection = connection;
        this.contexts = contexts;
    }

    public DicomConnection Connection => connection;

    /// <summary>True once the peer sent A-RELEASE-RQ while we waited for a command.</summary>
    public bool ReleaseRequested { get; private set; }

    /// <summary>
    /// Reads the next command. Returns null when the peer asks to release instead (Sta8). Malformed or out-of-order
    /// DIMSE input aborts the association.
    /// </summary>
    public async ValueTask<IncomingCommand?> ReadCommandAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        byte[]? assembled = null;
        var assembledLength = 0;
        byte contextId = 0;
        while (true)
        {
            var pdv = await NextAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (pdv is not { } value)
            {
                if (assembled is not null)
                {
                    ArrayPool<byte>.Shared.Return(assembled);
                    await ViolationAsync("A-RELEASE-RQ arrived in the middle of a command set.").ConfigureAwait(false);
                }

                return null;
            }

            if (!value.IsCommand)
            {
                await ViolationAsync($"Dataset fragment on context {value.PresentationContextId} without a preceding command.").ConfigureAwait(false);
            }

            if (assembled is not null && value.PresentationContextId != contextId)
            {
                await ViolationAsync("Command fragments switched presentation context.").ConfigureAwait(false);
            }

            contextId = value.PresentationContextId;
            if (!contexts.TryGetValue(contextId, out var context))
            {
                await ViolationAsync($"Command on presentation context {contextId}, which was not accepted.").ConfigureAwait(false);
                return null;
            }

            DimseCommand? command;
            if (assembled is null && value.IsLastFragment)
            {
                command = TryDecode(value.Data, out var problem);
                if (command is null)
                {
                    await ViolationAsync(problem!).ConfigureAwait(false);
                    return null;
                }
            }
            else
            {
                if (assembledLength + value.Data.Length > MaxCommandLength)
                {
                    await ViolationAsync($"Command set exceeds {MaxCommandLength} bytes.").ConfigureAwait(false);
                }

                assembled ??= ArrayPool<byte>.Shared.Rent(MaxCommandLength);
                value.Data.Span.CopyTo(assembled.AsSpan(assembledLength));
                assembledLength += value.Data.Length;
                if (!value.IsLastFragment)
                {
                    continue;
                }

                command = TryDecode(assembled.AsMemory(0, assembledLength), out var problem);
                ArrayPool<byte>.Shared.Return(assembled);
                if (command is null)
                {
                    await ViolationAsync(problem!).ConfigureAwait(false);
                    return null;
                }
            }

            return new IncomingCommand(context, command);
        }
    }

    private static DimseCommand? TryDecode(ReadOnlyMemory<byte> bytes, out string? problem)
    {
        try
        {
            problem = null;
            return CommandSetCodec.Decode(bytes);
        }
        catch (DicomNetworkException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Reads the next fragment of the dataset on <paramref name="contextId"/>. The memory is valid until the next
    /// read on this channel. Returns an empty fragment with <c>IsLast</c> after the last one.
    /// </summary>
    public async ValueTask<(ReadOnlyMemory<byte> Data, bool IsLast)> ReadDataSetFragmentAsync(byte contextId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pdv = await NextAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (pdv is not { } value)
        {
            await ViolationAsync("A-RELEASE-RQ arrived in the middle of a dataset.").ConfigureAwait(false);
            return default;
        }

        if (value.IsCommand)
        {
            await ViolationAsync("A command fragment arrived before the dataset was complete.").ConfigureAwait(false);
        }

        if (value.PresentationContextId != contextId)
        {
            await ViolationAsync($"Dataset fragment on context {value.PresentationContextId}, expected {contextId}.").ConfigureAwait(false);
        }

        return (value.Data, value.IsLastFragment);
    }

    /// <summary>Sends a command set, fragmented if the peer's limit is tiny.</summary>
    public async ValueTask SendCommandAsync(byte contextId, DimseCommand command, CancellationToken cancellationToken)
    {
        var bytes = CommandSetCodec.Encode(command);
        await SendFragmentsAsync(contextId, isCommand: true, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends an in-memory dataset; an odd-length one (a deflated bit stream) with a trailing 00H pad byte (PS3.5 A.5).</summary>
    public ValueTask SendDataSetAsync(byte contextId, ReadOnlyMemory<byte> dataset, CancellationToken cancellationToken) =>
        SendFragmentsAsync(contextId, isCommand: false, dataset.Length % 2 == 0 ? dataset : (byte[])[.. dataset.Span, 0], cancellationToken);

    /// <summary>
    /// Streams a dataset of known <paramref name="length"/> from <paramref name="source"/>, one PDU per fragment,
    /// each fragment read straight into the PDU buffer behind its 12-byte header. An odd-length dataset (only a
    /// deflated bit stream can be one) goes with a single trailing 00H pad byte, as PS3.5 A.5 requires: DIMSE
    /// fragments are even (dcmtk aborts on "Odd Fragment Length"), and dcmtk's own senders pad the same way.
    /// </summary>
    public async ValueTask SendDataSetAsync(byte contextId, Stream source, long length, CancellationToken cancellationToken)
    {
        var fragment = connection.MaxSendFragment(LocalSendCap);
        var padded = length + (length & 1);
        var buffer = ArrayPool<byte>.Shared.Rent(12 + (int)Math.Min(fragment, Math.Max(padded, 1)));
        try
        {
            var remaining = padded;
            var unread = length;
            do
            {
                var count = (int)Math.Min(fragment, remaining);
                var fromSource = (int)Math.Min(count, unread);
                await source.ReadExactlyAsync(buffer.AsMemory(12, fromSource), cancellationToken).ConfigureAwait(false);
                buffer.AsSpan(12 + fromSource, count - fromSource).Clear();
                unread -= fromSource;
                remaining -= count;
                DicomConnection.WritePDataHeader(buffer, contextId, isCommand: false, isLast: remaining == 0, count);
                await connection.SendPDataAsync(buffer.AsMemory(0, 12 + count), cancellationToken).ConfigureAwait(false);
            }
            while (remaining > 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask SendFragmentsAsync(byte contextId, bool isCommand, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var fragment = connection.MaxSendFragment(LocalSendCap);
        var buffer = ArrayPool<byte>.Shared.Rent(12 + Math.Min(fragment, Math.Max(data.Length, 1)));
        try
        {
            var offset = 0;
            do
            {
                var count = Math.Min(fragment, data.Length - offset);
                data.Slice(offset, count).CopyTo(buffer.AsMemory(12));
                offset += count;
                DicomConnection.WritePDataHeader(buffer, contextId, isCommand, isLast: offset == data.Length, count);
                await connection.SendPDataAsync(buffer.AsMemory(0, 12 + count), cancellationToken).ConfigureAwait(false);
            }
            while (offset < data.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The next PDV, reading PDUs as needed; null when an A-RELEASE-RQ arrives instead.</summary>
    private async ValueTask<PresentationDataValue?> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (pending is null || pendingIndex >= pending.Count)
        {
            var received = await connection.ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false);
            switch (received.Type)
            {
                case PduType.PData:
                    pending = received.Values;
                    pendingIndex = 0;
                    break;
                case PduType.ReleaseRequest:
                    ReleaseRequested = true;
                    return null;
                default:
                    await ViolationAsync($"Unexpected {received.Type} PDU during data transfer.").ConfigureAwait(false);
                    break;
            }
        }

        return pending[pendingIndex++];
    }

    private async ValueTask ViolationAsync(string problem)
    {
        await connection.AbortAsync(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu).ConfigureAwait(false);
        throw new DicomAssociationAbortedException($"Association aborted: DIMSE protocol violation: {problem}");
    }
}
