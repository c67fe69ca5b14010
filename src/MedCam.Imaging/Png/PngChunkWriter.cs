using System.Buffers.Binary;
using System.Text;

namespace MedCam.Imaging.Png;

/// <summary>Writes PNG chunks (length, type, data, CRC; PNG spec section 5.3).</summary>
internal static class PngChunkWriter
{
    public static void Write(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, PngCrc32.Compute(typeBytes, data));
        output.Write(word);
    }
}

/// <summary>A write-only stream that cuts the zlib data into IDAT chunks of a fixed size.</summary>
internal sealed class IdatStream(Stream output, int chunkSize) : Stream
{
    private readonly byte[] _buffer = new byte[chunkSize];
    private int _count;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _buffer.Length - _count);
            buffer[..n].CopyTo(_buffer.AsSpan(_count));
            _count += n;
            buffer = buffer[n..];
            if (_count == _buffer.Length)
            {
                FlushChunk();
            }
        }
    }

    public override void Flush()
    {
    }

    /// <summary>Emits the last, partial chunk.</summary>
    public void Complete()
    {
        if (_count > 0)
        {
            FlushChunk();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void FlushChunk()
    {
        PngChunkWriter.Write(output, "IDAT", _buffer.AsSpan(0, _count));
        _count = 0;
    }
}
