using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MedCam.Imaging.Png;

/// <summary>A decoded PNG: samples as stored (16-bit samples big-endian), palette images expanded to RGB.</summary>
public sealed class PngImage
{
    internal PngImage(int width, int height, int channels, int bitDepth, byte[] samples, IReadOnlyDictionary<string, string> text)
    {
        Width = width;
        Height = height;
        Channels = channels;
        BitDepth = bitDepth;
        Samples = samples;
        Text = text;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>8 or 16.</summary>
    public int BitDepth { get; }

    /// <summary>Rows x cols x channels samples; 16-bit samples are two big-endian bytes.</summary>
    public byte[] Samples { get; }

    /// <summary>tEXt chunks.</summary>
    public IReadOnlyDictionary<string, string> Text { get; }

    /// <summary>16-bit samples as values.</summary>
    public ushort[] GetSamples16()
    {
        if (BitDepth != 16)
        {
            throw new InvalidOperationException($"The image has {BitDepth}-bit samples, not 16.");
        }

        var values = new ushort[Samples.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(Samples.AsSpan(i * 2));
        }

        return values;
    }
}

/// <summary>
/// A small PNG decoder (plain or Adam7-interlaced; bit depth 8 or 16; grey, RGB, palette, grey+alpha, RGBA) used to check
/// MedCam's own output and peers' PNG renderings (dcmj2pnm, Orthanc previews). Verifies every chunk CRC.
/// </summary>
public static class PngDecoder
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static PngImage DecodeFile(string path) => Decode(File.ReadAllBytes(path));

    /// <exception cref="InvalidDataException">The data is not a PNG this decoder reads; the message says why.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG: the 8-byte signature is missing.");
        }

        var pos = 8;
        int width = 0, height = 0, bitDepth = 0, colorType = -1;
        var interlaced = false;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        var ended = false;
        while (!ended)
        {
            if (pos + 12 > png.Length)
            {
                throw new InvalidDataException($"PNG truncated at byte {pos}: no IEND chunk.");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            if (length < 0 || pos + 12 + length > png.Length)
            {
                throw new InvalidDataException($"PNG chunk at byte {pos} claims {length} bytes, past the end of the data.");
            }

            var type = Encoding.ASCII.GetString(png.Slice(pos + 4, 4));
            var data = png.Slice(pos + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + length)..]);
            if (crc != PngCrc32.Compute(png.Slice(pos + 4, 4), data))
            {
                throw new InvalidDataException($"PNG chunk {type} at byte {pos} has a bad CRC.");
            }

            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    interlaced = data[12] == 1;
                    if (data[12] > 1)
                    {
                        throw new InvalidDataException($"PNG interlace method {data[12]} does not exist (0 none, 1 Adam7).");
                    }

                    if (bitDepth is not (8 or 16) || colorType is not (0 or 2 or 3 or 4 or 6) || (colorType == 3 && bitDepth != 8))
                    {
                        throw new InvalidDataException($"PNG bit depth {bitDepth} with colour type {colorType} is not supported.");
                    }

                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "tEXt":
                    var nul = data.IndexOf((byte)0);
                    if (nul > 0)
                    {
                        text[Encoding.Latin1.GetString(data[..nul])] = Encoding.Latin1.GetString(data[(nul + 1)..]);
                    }

                    break;
                case "IEND":
                    ended = true;
                    break;
                default:
                    if ((png[pos + 4] & 0x20) == 0)
                    {
                        throw new InvalidDataException($"PNG has an unknown critical chunk {type}.");
                    }

                    break;
            }

            pos += 12 + length;
        }

        if (colorType < 0)
        {
            throw new InvalidDataException("PNG has no IHDR chunk.");
        }

        var channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        var bpp = channels * bitDepth / 8;
        var stride = checked(width * bpp);
        var samples = new byte[checked(stride * height)];
        idat.Position = 0;
        byte[] inflated;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        using (var all = new MemoryStream())
        {
            z.CopyTo(all);
            inflated = all.ToArray();
        }

        var consumed = 0;
        if (!interlaced)
        {
            Unfilter(inflated, ref consumed, samples, width, height, bpp);
        }
        else
        {
            // Adam7 (PNG spec 8.2): seven reduced images, each filtered on its own, scattered onto the grid.
            foreach (var (x0, y0, dx, dy) in Adam7)
            {
                var pw = (width - x0 + dx - 1) / dx;
                var ph = (height - y0 + dy - 1) / dy;
                if (pw <= 0 || ph <= 0)
                {
                    continue;
                }

                var pass = new byte[pw * ph * bpp];
                Unfilter(inflated, ref consumed, pass, pw, ph, bpp);
                for (var py = 0; py < ph; py++)
                {
                    for (var px = 0; px < pw; px++)
                    {
                        pass.AsSpan(((py * pw) + px) * bpp, bpp).CopyTo(samples.AsSpan(((((y0 + (py * dy)) * width) + x0 + (px * dx)) * bpp)));
                    }
                }
            }
        }

        if (colorType == 3)
        {
            if (palette is null)
            {
                throw new InvalidDataException("Palette PNG without a PLTE chunk.");
            }

            var rgb = new byte[samples.Length * 3];
            for (var i = 0; i < samples.Length; i++)
            {
                var e = samples[i] * 3;
                if (e + 2 >= palette.Length)
                {
                    throw new InvalidDataException($"Palette index {samples[i]} is outside the {palette.Length / 3}-entry palette.");
                }

                rgb[i * 3] = palette[e];
                rgb[(i * 3) + 1] = palette[e + 1];
                rgb[(i * 3) + 2] = palette[e + 2];
            }

            return new PngImage(width, height, 3, 8, rgb, text);
        }

        return new PngImage(width, height, channels, bitDepth, samples, text);
    }

    private static void Unfilter(byte[] inflated, ref int consumed, byte[] target, int width, int height, int bpp)
    {
        var stride = width * bpp;
        var previous = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            if (consumed + 1 + stride > inflated.Length)
            {
                throw new InvalidDataException($"PNG image data ends at row {y} of {height}.");
            }

            var row = target.AsSpan(y * stride, stride);
            inflated.AsSpan(consumed + 1, stride).CopyTo(row);
            PngFilter.Undo(inflated[consumed], row, previous, bpp);
            row.CopyTo(previous);
            consumed += 1 + stride;
        }
    }
}
