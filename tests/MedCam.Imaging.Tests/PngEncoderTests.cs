using System.IO.Compression;
using MedCam.Imaging.Png;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

public class PngEncoderTests
{
    /// <summary>Gradients, flat areas and noise so every filter type is the heuristic's best somewhere.</summary>
    private static byte[] MixedSamples(int width, int height, int channels, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var i = (((y * width) + x) * channels) + c;
                    data[i] = (y / 8 % 4) switch
                    {
                        0 => (byte)((x * 3) + c),
                        1 => (byte)((y * 5) + c),
                        2 => (byte)(x + y),
                        _ => (byte)rng.Next(256),
                    };
                }
            }
        }

        return data;
    }

    private const string PilDump = """
        import sys, hashlib, zlib, struct
        import numpy as np
        from PIL import Image
        im = Image.open(sys.argv[1])
        im.load()
        a = np.asarray(im)
        if a.dtype != np.uint8:
            a = a.astype(">u2")
        open(sys.argv[2], "wb").write(a.tobytes())
        # the filter byte of every row, read independently with zlib
        data = open(sys.argv[1], "rb").read()
        pos, idat = 8, b""
        while pos < len(data):
            n, t = struct.unpack(">I4s", data[pos:pos + 8])
            if t == b"IDAT":
                idat += data[pos + 8:pos + 8 + n]
            pos += 12 + n
        raw = zlib.decompress(idat)
        stride = len(raw) // im.size[1]
        print(im.mode, im.size[0], im.size[1], " ".join(str(raw[r * stride]) for r in range(im.size[1])))
        """;

    [Theory]
    [InlineData(PngPixelFormat.Rgb8, 3)]
    [InlineData(PngPixelFormat.Gray8, 1)]
    [InlineData(PngPixelFormat.Gray16, 2)]
    [InlineData(PngPixelFormat.Rgba8, 4)]
    public void Encode_ReadByPil_SamplesEqual(PngPixelFormat format, int bytesPerPixel)
    {
        using var dir = new RenderTempDir();
        const int width = 67, height = 45;
        var samples = MixedSamples(width, height, bytesPerPixel, 7);
        var png = dir.File("x.png");
        PngEncoder.WriteFile(png, samples, width, height, format);

        var stdout = RenderPython.Run(PilDump, ["PIL", "numpy"], png, dir.File("x.raw")).Trim().Split(' ');

        var expectedMode = format switch
        {
            PngPixelFormat.Rgb8 => "RGB",
            PngPixelFormat.Gray8 => "L",
            PngPixelFormat.Rgba8 => "RGBA",
            _ => "I;16B",
        };
        Assert.True(stdout[0] == expectedMode || (format == PngPixelFormat.Gray16 && stdout[0].StartsWith("I", StringComparison.Ordinal)), stdout[0]);
        Assert.Equal(width.ToString(System.Globalization.CultureInfo.InvariantCulture), stdout[1]);
        Assert.Equal(height.ToString(System.Globalization.CultureInfo.InvariantCulture), stdout[2]);
        Assert.Equal(samples, File.ReadAllBytes(dir.File("x.raw")));
        var filters = stdout.Skip(3).Distinct().ToArray();
        Assert.True(filters.Length >= 3, $"the adaptive heuristic should use several filters, used {string.Join(",", filters)}");
    }

    [Theory]
    [InlineData(PngRowFilter.Sub)]
    [InlineData(PngRowFilter.Up)]
    [InlineData(PngRowFilter.Average)]
    [InlineData(PngRowFilter.Paeth)]
    public void Encode_EachFixedFilter_ReadByPilForEveryFormat(PngRowFilter filter)
    {
        using var dir = new RenderTempDir();
        foreach (var (format, bpp) in new[] { (PngPixelFormat.Rgb8, 3), (PngPixelFormat.Gray8, 1), (PngPixelFormat.Gray16, 2), (PngPixelFormat.Rgba8, 4) })
        {
            const int width = 83, height = 17; // rows longer than one vector plus a scalar tail
            var samples = MixedSamples(width, height, bpp, 9);
            var png = dir.File($"{format}.png");
            PngEncoder.WriteFile(png, samples, width, height, format, new PngEncoderOptions { Filter = filter });

            var stdout = RenderPython.Run(PilDump, ["PIL", "numpy"], png, dir.File("x.raw")).Trim().Split(' ');

            Assert.Equal(samples, File.ReadAllBytes(dir.File("x.raw")));
            Assert.All(stdout.Skip(3), f => Assert.Equal(((int)filter).ToString(System.Globalization.CultureInfo.InvariantCulture), f));
            Assert.Equal(samples, PngDecoder.DecodeFile(png).Samples);
        }
    }

    [Fact]
    public void EncodeGray16_Values_RoundTripWithOwnDecoder()
    {
        var values = new ushort[300 * 200];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (ushort)((i * 37) ^ (i >> 3));
        }

        var image = PngDecoder.Decode(PngEncoder.EncodeGray16(values, 300, 200));

        Assert.Equal((300, 200, 1, 16), (image.Width, image.Height, image.Channels, image.BitDepth));
        Assert.Equal(values, image.GetSamples16());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 50)]
    [InlineData(513, 3)]
    [InlineData(512, 512)]
    public void EncodeRgb8_AnySize_RoundTripWithOwnDecoder(int width, int height)
    {
        var samples = MixedSamples(width, height, 3, width + height);

        var image = PngDecoder.Decode(PngEncoder.EncodeRgb8(samples, width, height));

        Assert.Equal((width, height, 3, 8), (image.Width, image.Height, image.Channels, image.BitDepth));
        Assert.Equal(samples, image.Samples);
    }

    [Fact]
    public void Encode_LargeImage_SplitsIdatAndStillDecodesInPil()
    {
        using var dir = new RenderTempDir();
        var samples = MixedSamples(700, 600, 3, 3); // noise rows: > 64 KiB of zlib data, several IDAT chunks
        var bytes = PngEncoder.EncodeRgb8(samples, 700, 600, new PngEncoderOptions { CompressionLevel = CompressionLevel.Fastest });
        File.WriteAllBytes(dir.File("big.png"), bytes);

        RenderPython.Run(PilDump, ["PIL", "numpy"], dir.File("big.png"), dir.File("big.raw"));

        Assert.Equal(samples, File.ReadAllBytes(dir.File("big.raw")));
        Assert.True(CountChunks(bytes, "IDAT") > 1);
    }

    [Fact]
    public void Encode_AdaptiveFilters_SmallerThanNoFilterOnSmoothImage()
    {
        var gradient = new byte[256 * 256 * 3];
        for (var i = 0; i < gradient.Length; i++)
        {
            gradient[i] = (byte)((i / 3 % 256) + (i / 768));
        }

        var adaptive = PngEncoder.EncodeRgb8(gradient, 256, 256);
        var plain = PngEncoder.EncodeRgb8(gradient, 256, 256, new PngEncoderOptions { AdaptiveFilters = false });

        Assert.True(adaptive.Length < plain.Length / 2, $"adaptive {adaptive.Length} B vs none {plain.Length} B");
    }

    [Fact]
    public void Encode_TextChunk_ReadBackByDecoder()
    {
        var options = new PngEncoderOptions { Text = [new("Software", "MedCam"), new("Comment", "NOT FOR DIAGNOSTIC USE")] };

        var image = PngDecoder.Decode(PngEncoder.EncodeGray8(new byte[4], 2, 2, options));

        Assert.Equal("MedCam", image.Text["Software"]);
        Assert.Equal("NOT FOR DIAGNOSTIC USE", image.Text["Comment"]);
    }

    [Fact]
    public void Encode_WrongBufferLength_ErrorNamesSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb8(new byte[10], 2, 2));

        Assert.Contains("12 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_CorruptedCrc_Rejected()
    {
        var bytes = PngEncoder.EncodeGray8(new byte[16], 4, 4);
        bytes[20] ^= 0xFF; // inside IHDR data

        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(bytes));

        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PilWrittenPalettePng_ExpandedToRgb()
    {
        using var dir = new RenderTempDir();
        RenderPython.Run(
            """
            import sys
            from PIL import Image
            im = Image.new("P", (3, 2))
            im.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
            im.putdata([0, 1, 0, 1, 1, 0])
            im.save(sys.argv[1], optimize=False)
            """,
            ["PIL"],
            dir.File("p.png"));

        var image = PngDecoder.DecodeFile(dir.File("p.png"));

        Assert.Equal(3, image.Channels);
        Assert.Equal(new byte[] { 10, 20, 30, 200, 100, 50, 10, 20, 30, 200, 100, 50, 200, 100, 50, 10, 20, 30 }, image.Samples);
    }

    private static int CountChunks(byte[] png, string type)
    {
        var count = 0;
        var pos = 8;
        while (pos < png.Length)
        {
            var n = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (System.Text.Encoding.ASCII.GetString(png, pos + 4, 4) == type)
            {
                count++;
            }

            pos += 12 + n;
        }

        return count;
    }
}
