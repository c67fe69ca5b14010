namespace MedCam.Dicom.Network.Dimse;

/// <summary>
/// The dataset of one incoming DIMSE message, read fragment by fragment from the network as the consumer asks for
/// it; nothing is buffered beyond the current PDU. <see cref="ReadFragmentAsync"/> hands out the PDU buffer itself
/// (zero copy); the <see cref="Stream"/> methods copy. The bytes are the dataset exactly as encoded in the
/// presentation context's transfer syntax.
/// </summary>
public sealed class DicomDataSetStream : Stream
{
    private readonly DimseChannel channel;
    private readonly byte contextId;
    private readonly TimeSpan timeout;
    private ReadOnlyMemory<byte> current;
    private bool sawLast;
    private long position;

    internal DicomDataSetStream(DimseChannel channel, byte contextId, TimeSpan timeout)
    {
        this.channel = channel;
        this.contextId = contextId;
        this.timeout = timeout;
    }

    /// <summary>True once the last fragment has been handed out.</summary>
    public bool IsComplete => sawLast && current.IsEmpty;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The dataset length is unknown until its last fragment arrives.");

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    /// <summary>The next fragment (valid until the next read), or empty at the end of the dataset.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadFragmentAsync(CancellationToken cancellationToken = default)
    {
        if (!current.IsEmpty)
        {
            var rest = current;
            current = default;
            position += rest.Length;
            return rest;
        }

        while (!sawLast)
        {
            var (data, isLast) = await channel.ReadDataSetFragmentAsync(contextId, timeout, cancellationToken).ConfigureAwait(false);
            sawLast = isLast;
            if (!data.IsEmpty)
            {
                position += data.Length;
                return data;
            }
        }

        return ReadOnlyMemory<byte>.Empty;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (current.IsEmpty && !sawLast)
        {
            var (data, isLast) = await channel.ReadDataSetFragmentAsync(contextId, timeout, cancellationToken).ConfigureAwait(false);
            sawLast = isLast;
            current = data;
        }

        var count = Math.Min(buffer.Length, current.Length);
        current[..count].CopyTo(buffer);
        current = current[count..];
        position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Reads and discards whatever the consumer left, so the next command can be read.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        current = default;
        while (!sawLast)
        {
            var (_, isLast) = await channel.ReadDataSetFragmentAsync(contextId, timeout, cancellationToken).ConfigureAwait(false);
            sawLast = isLast;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
