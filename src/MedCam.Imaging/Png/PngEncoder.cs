using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MedCam.Imaging.Png;

/// <summary>
/// A PNG encoder (ISO/IEC 15948) for previews and research slices: 8-bit grey, 16-bit grey, RGB8 and RGBA8,
/// non-interlaced, adaptive per-row filters, zlib via <see cref="ZLibStream"/>.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private const int IdatChunkSize = 1 << 16;

    /// <summary>Encodes interleaved 8-bit RGB (rows x cols x 3).</summary>
    public static byte[] EncodeRgb8(ReadOnlySpan<byte> rgb, int width, int height, PngEncoderOptions? options = null) =>
        Encode(rgb, width, height, PngPixelFormat.Rgb8, options);

    /// <summary>Encodes 8-bit greyscale (rows x cols).</summary>
    public static byte[] EncodeGray8(ReadOnlySpan<byte> gray, int width, int height, PngEncoderOptions? options = null) =>
        Encode(gray, width, height, PngPixelFormat.Gray8, options);

    /// <summary>Encodes 16-bit greyscale (rows x cols, native-endian values; written big-endian as PNG requires).</summary>
    public static byte[] EncodeGray16(ReadOnlySpan<ushort> gray, int width, int height, PngEncoderOptions? options = null)
    {
        var bytes = new byte[gray.Length * 2];
        for (var i = 0; i < gray.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i * 2), gray[i]);
        }

        return Encode(bytes, width, height, PngPixelFormat.Gray16, options);
    }

    /// <summary>Encodes raw samples laid out as the PNG stores them (16-bit samples big-endian).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> samples, int width, int height, PngPixelFormat format, PngEncoderOptions? options = null)
    {
        using var ms = new MemoryStream();
        Write(ms, samples, width, height, format, options);
        return ms.ToArray();
    }

    /// <summary>Writes a PNG file.</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> samples, int width, int height, PngPixelFormat format, PngEncoderOptions? options = null)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(fs, samples, width, height, format, options);
    }

    /// <summary>Writes a PNG to <paramref name="output"/>.</summary>
    public static void Write(Stream output, ReadOnlySpan<byte> samples, int width, int height, PngPixelFormat format, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        options ??= PngEncoderOptions.Default;
        var bpp = format.BytesPerPixel();
        var stride = checked(width * bpp);
        if (samples.Length != checked(stride * height))
        {
            throw new ArgumentException(
                $"A {width}x{height} {format} image needs {(long)stride * height} bytes; got {samples.Length}.", nameof(samples));
        }

        output.Write(Signature);
        WriteHeader(output, width, height, format);
        foreach (var (key, value) in options.Text)
        {
            WriteText(output, key, value);
        }

        var idat = new IdatStream(output, IdatChunkSize);
        using (var z = new ZLibStream(idat, options.CompressionLevel, leaveOpen: true))
        {
            var previous = new byte[stride];
            var scratch = new byte[stride];
            var filtered = new byte[stride + 1];
            for (var y = 0; y < height; y++)
            {
                var row = samples.Slice(y * stride, stride);
                if (options.Filter is { } fixedFilter)
                {
                    filtered[0] = (byte)fixedFilter;
                    PngFilter.Apply((byte)fixedFilter, row, previous, bpp, filtered.AsSpan(1));
                }
                else if (options.AdaptiveFilters)
                {
                    filtered[0] = PngFilter.Choose(row, previous, bpp, scratch, filtered.AsSpan(1));
                }
                else
                {
                    filtered[0] = PngFilter.None;
                    row.CopyTo(filtered.AsSpan(1));
                }

                z.Write(filtered);
                row.CopyTo(previous);
            }
        }

        idat.Complete();
        PngChunkWriter.Write(output, "IEND", []);
    }

    private static void WriteHeader(Stream output, int width, int height, PngPixelFormat format)
    {
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        var (colorType, bitDepth) = format.Header();
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        PngChunkWriter.Write(output, "IHDR", ihdr);
    }

    private static void WriteText(Stream output, string key, string value)
    {
        // tEXt (PNG 11.3.4.3): a Latin-1 keyword of 1..79 characters, a NUL, Latin-1 text.
        if (key.Length is < 1 or > 79 || key.Any(c => c is < ' ' or > '~'))
        {
            throw new ArgumentException($"PNG text keyword '{key}' must be 1..79 printable Latin-1 characters.", nameof(key));
        }

        var latin1 = Encoding.Latin1;
        if (value.Any(c => c > '\u00ff'))
        {
            throw new ArgumentException($"PNG text for '{key}' must be Latin-1.", nameof(value));
        }

        var data = new byte[key.Length + 1 + latin1.GetByteCount(value)];
        latin1.GetBytes(key, data);
        latin1.GetBytes(value, data.AsSpan(key.Length + 1));
        PngChunkWriter.Write(output, "tEXt", data);
    }
}

/// <summary>Encoder settings.</summary>
public sealed record PngEncoderOptions
{
    public static PngEncoderOptions Default { get; } = new();

    /// <summary>zlib effort; <see cref="CompressionLevel.Fastest"/> for bulk slices, Optimal for previews.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>Choose each row's filter by the minimum-sum-of-absolute-differences heuristic (else filter None).</summary>
    public bool AdaptiveFilters { get; init; } = true;

    /// <summary>One filter for every row instead of the per-row choice (mainly for tests and comparisons).</summary>
    public PngRowFilter? Filter { get; init; }

    /// <summary>tEXt chunks (keyword, Latin-1 text), e.g. ("Software", "MedCam").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Text { get; init; } = [];
}

/// <summary>PNG scanline filter types (PNG spec 9.2).</summary>
public enum PngRowFilter : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}
