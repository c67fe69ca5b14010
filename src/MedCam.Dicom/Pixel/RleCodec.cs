using System.Buffers.Binary;

namespace MedCam.Dicom;

/// <summary>
/// RLE Lossless (PS3.5 Annex G), managed. A frame holds one PackBits segment per byte of each sample, most significant
/// byte first; decoding yields interleaved (planar configuration 0) little-endian samples.
/// </summary>
public sealed class RleCodec : IDicomCodec
{
    private const int HeaderLength = 64;

    public IReadOnlyCollection<DicomTransferSyntax> TransferSyntaxes { get; } = [DicomTransferSyntax.RLELossless];

    public bool CanEncode => true;

    public DecodedFrame Decode(ReadOnlyMemory<byte> encodedFrame, PixelDataDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var input = encodedFrame.Span;
        var bytesPerSample = description.BitsAllocated / 8;
        var samples = description.SamplesPerPixel;
        var pixels = description.Rows * description.Columns;
        if (input.Length < HeaderLength)
        {
            throw new DicomFormatException("RLE frame is shorter than its 64-byte header.");
        }

        // PackBits expands at most 64 times (2 bytes -> 128): refuse headers that promise more pixels than that.
        if ((long)pixels > (long)input.Length * 64)
        {
            throw new DicomFormatException($"RLE frame of {input.Length} bytes cannot hold {description.Rows} x {description.Columns} pixels.");
        }

        var segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(input);
        if (segmentCount != samples * bytesPerSample)
        {
            throw new DicomFormatException($"RLE frame has {segmentCount} segments; {samples * bytesPerSample} expected.");
        }

        var output = new byte[pixels * samples * bytesPerSample];
        var plane = new byte[pixels];
        for (var s = 0; s < segmentCount; s++)
        {
            var start = BinaryPrimitives.ReadUInt32LittleEndian(input[(4 + (s * 4))..]);
            var end = s + 1 < segmentCount ? BinaryPrimitives.ReadUInt32LittleEndian(input[(8 + (s * 4))..]) : (uint)input.Length;
            if (start < HeaderLength || start > end || end > input.Length)
            {
                throw new DicomFormatException($"RLE segment {s} has invalid offsets {start}..{end}.");
            }

            Array.Clear(plane);
            UnpackBits(input[(int)start..(int)end], plane);
            var sample = s / bytesPerSample;
            var byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segments are most significant byte first
            var stride = samples * bytesPerSample;
            var offset = (sample * bytesPerSample) + byteInSample;
            for (var p = 0; p < pixels; p++)
            {
                output[offset + (p * stride)] = plane[p];
            }
        }

        return new DecodedFrame(output, description.PhotometricInterpretation, 0);
    }

    public byte[] Encode(ReadOnlyMemory<byte> nativeFrame, PixelDataDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.BitsAllocated % 8 != 0 || description.PhotometricInterpretation == "YBR_FULL_422")
        {
            throw new DicomException($"RLE encoding needs whole-byte samples and no chroma subsampling ({description.BitsAllocated} bits, {description.PhotometricInterpretation}).");
        }

        var input = nativeFrame.Span;
        var bytesPerSample = description.BitsAllocated / 8;
        var samples = description.SamplesPerPixel;
        var rows = description.Rows;
        var columns = description.Columns;
        var pixels = rows * columns;
        using var output = new MemoryStream();
        output.Write(new byte[HeaderLength]);
        var header = new byte[HeaderLength];
        var segmentCount = samples * bytesPerSample;
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segmentCount);
        var row = new byte[columns];
        for (var s = 0; s < segmentCount; s++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + (s * 4)), (uint)output.Length);
            var sample = s / bytesPerSample;
            var byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var pixel = (r * columns) + c;
                    var index = description.PlanarConfiguration == 1 && samples > 1
                        ? (((sample * pixels) + pixel) * bytesPerSample) + byteInSample
                        : (((pixel * samples) + sample) * bytesPerSample) + byteInSample;
                    row[c] = input[index];
                }

                PackBits(row, output); // PS3.5 G.3.1: each row is encoded separately
            }

            if (output.Length % 2 != 0)
            {
                output.WriteByte(0);
            }
        }

        var result = output.ToArray();
        header.CopyTo(result, 0);
        return result;
    }

    private static void UnpackBits(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int i = 0, o = 0;
        while (i < input.Length && o < output.Length)
        {
            var n = (sbyte)input[i++];
            if (n >= 0)
            {
                var count = Math.Min(n + 1, Math.Min(input.Length - i, output.Length - o));
                input.Slice(i, count).CopyTo(output[o..]);
                i += n + 1;
                o += count;
            }
            else if (n != -128)
            {
                if (i >= input.Length)
                {
                    break;
                }

                var count = Math.Min(1 - n, output.Length - o);
                output.Slice(o, count).Fill(input[i++]);
                o += count;
            }
        }
    }

    private static void PackBits(ReadOnlySpan<byte> row, Stream output)
    {
        var i = 0;
        while (i < row.Length)
        {
            var run = 1;
            while (i + run < row.Length && run < 128 && row[i + run] == row[i])
            {
                run++;
            }

            if (run >= 2)
            {
                output.WriteByte((byte)(sbyte)(1 - run));
                output.WriteByte(row[i]);
                i += run;
                continue;
            }

            var start = i;
            var literal = 0;
            while (i < row.Length && literal < 128 && !(i + 1 < row.Length && row[i + 1] == row[i]))
            {
                i++;
                literal++;
            }

            if (literal == 0)
            {
                continue;
            }

            output.WriteByte((byte)(literal - 1));
            output.Write(row.Slice(start, literal));
        }
    }
}
