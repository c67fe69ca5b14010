using System.Numerics;
using System.Text;
using MedCam.Dicom.Network.Files;

namespace MedCam.Dicom.Network.Tests.Infrastructure;

/// <summary>
/// Test DICOM made by dcmtk itself (dump2dcm, dcmcjpeg, dcmcrle, dcmcjpls, dcmconv) into a cache folder under the
/// test output, so a clean clone works and repeated runs are fast.
/// </summary>
internal static class CtCorpus
{
    public const string PatientName = "Secretname^Neverlogged";
    public const string PatientId = "PID-NEVER-LOGGED-42";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static string CacheRoot => Path.Combine(AppContext.BaseDirectory, "generated-dicom");

    /// <summary>Explicit VR LE CT slices (<paramref name="studies"/> studies round-robin), cached by parameters.</summary>
    public static async Task<string[]> UncompressedAsync(int count, int size = 64, int studies = 3)
    {
        var dir = Path.Combine(CacheRoot, $"ct-{count}-{size}-{studies}");
        return await CachedAsync(dir, async () =>
        {
            var studyUids = Enumerable.Range(0, studies).Select(_ => NewUid()).ToArray();
            var seriesUids = Enumerable.Range(0, studies).Select(_ => NewUid()).ToArray();
            var work = Path.Combine(dir, "work");
            Directory.CreateDirectory(work);
            var indices = Enumerable.Range(0, count).ToArray();
            await Parallel.ForEachAsync(indices, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            {
                var raw = Path.Combine(work, $"slice{i:D4}.raw");
                var pixels = new byte[size * size * 2];
                for (var p = 0; p < size * size; p++)
                {
                    var value = (short)(((p * 7) + (i * 131)) % 3000 - 1024);
                    pixels[2 * p] = (byte)value;
                    pixels[(2 * p) + 1] = (byte)(value >> 8);
                }

                await File.WriteAllBytesAsync(raw, pixels);
                var dump = Path.Combine(work, $"slice{i:D4}.txt");
                await File.WriteAllTextAsync(dump, Dump(studyUids[i % studies], seriesUids[i % studies], NewUid(), i, size, raw), Encoding.ASCII);
                var output = Path.Combine(dir, $"ct{i:D4}.dcm");
                var (code, log) = await Peers.RunAsync("dump2dcm", ["+te", dump, output]);
                if (code != 0)
                {
                    throw new InvalidOperationException($"dump2dcm failed: {log}");
                }
            });
            Directory.Delete(work, recursive: true);
        });
    }

    /// <summary>The same content in many transfer syntaxes: JPEG lossless (SV1, process 14), JPEG-LS, RLE, implicit, big endian, deflated.</summary>
    public static async Task<string[]> TransferSyntaxVariantsAsync()
    {
        var sources = await UncompressedAsync(12, 64, 2);
        var dir = Path.Combine(CacheRoot, "variants");
        return await CachedAsync(dir, async () =>
        {
            (string Tool, string[] Options, string Name)[] conversions =
            [
                ("dcmcjpeg", [], "jpeg-sv1"),
                ("dcmcjpeg", ["+el"], "jpeg-p14"),
                ("dcmcjpls", [], "jpegls"),
                ("dcmcrle", [], "rle"),
                ("dcmconv", ["+ti"], "implicit"),
                ("dcmconv", ["+tb"], "bigendian"),
                ("dcmconv", ["+td"], "deflated"),
            ];
            for (var i = 0; i < sources.Length; i++)
            {
                var (tool, options, name) = conversions[i % conversions.Length];
                var output = Path.Combine(dir, $"{name}-{i:D2}.dcm");
                var (code, log) = await Peers.RunAsync(tool, [.. options, sources[i], output]);
                if (code != 0)
                {
                    throw new InvalidOperationException($"{tool} failed: {log}");
                }
            }
        });
    }

    /// <summary>
    /// A deflated copy of an explicit VR LE file whose deflate bit stream has odd length, whatever its UIDs: one
    /// stored (uncompressed) deflate block (RFC 1951 3.2.4) is 5 bytes plus the even dataset. dcmconv +td only gives
    /// an odd stream for some instances, so the odd case is made here on purpose.
    /// </summary>
    public static string OddLengthDeflated(string explicitLittleEndianFile, string directory)
    {
        var meta = DicomBytes.Meta(explicitLittleEndianFile);
        if (meta.TransferSyntaxUid != DicomNetworkUids.ExplicitVrLittleEndian)
        {
            throw new ArgumentException($"{explicitLittleEndianFile} is not explicit VR little endian.", nameof(explicitLittleEndianFile));
        }

        var dataSet = DicomBytes.DataSet(explicitLittleEndianFile);
        if (dataSet.Length > ushort.MaxValue)
        {
            throw new ArgumentException("One stored deflate block holds at most 65535 bytes.", nameof(explicitLittleEndianFile));
        }

        var path = Path.Combine(directory, $"odd-deflated-{meta.SopInstanceUid}.dcm");
        using var file = File.Create(path);
        file.Write(Part10Header.Build(meta.SopClassUid, meta.SopInstanceUid, DicomNetworkUids.DeflatedExplicitVrLittleEndian, DicomNetworkUids.ImplementationClassUid, null, null));
        var length = (ushort)dataSet.Length;
        file.Write([0x01, (byte)length, (byte)(length >> 8), (byte)~length, (byte)(~length >> 8)]); // BFINAL=1, BTYPE=00, LEN, NLEN
        file.Write(dataSet);
        return path;
    }

    public static string NewUid() => "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);

    private static async Task<string[]> CachedAsync(string dir, Func<Task> generate)
    {
        await Gate.WaitAsync();
        try
        {
            var marker = Path.Combine(dir, ".complete");
            if (!File.Exists(marker))
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }

                Directory.CreateDirectory(dir);
                await generate();
                await File.WriteAllTextAsync(marker, "ok");
            }

            return Directory.GetFiles(dir, "*.dcm").Order(StringComparer.Ordinal).ToArray();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string Dump(string study, string series, string instance, int number, int size, string raw) => $"""
        (0008,0016) UI =CTImageStorage
        (0008,0018) UI [{instance}]
        (0008,0020) DA [20240102]
        (0008,0030) TM [101500]
        (0008,0060) CS [CT]
        (0008,1140) SQ (Sequence with undefined length #=1)
        (fffe,e000) na (Item with undefined length #=2)
        (0008,1150) UI =CTImageStorage
        (0008,1155) UI [{study}.9]
        (fffe,e00d) na (ItemDelimitationItem)
        (fffe,e0dd) na (SequenceDelimitationItem)
        (0010,0010) PN [{PatientName}]
        (0010,0020) LO [{PatientId}]
        (0010,0030) DA [19700101]
        (0018,0050) DS [1.0]
        (0020,000d) UI [{study}]
        (0020,000e) UI [{series}]
        (0020,0013) IS [{number + 1}]
        (0020,0032) DS [0\0\{number}]
        (0020,0037) DS [1\0\0\0\1\0]
        (0020,0052) UI [{study}.1]
        (0028,0002) US 1
        (0028,0004) CS [MONOCHROME2]
        (0028,0010) US {size}
        (0028,0011) US {size}
        (0028,0030) DS [0.5\0.5]
        (0028,0100) US 16
        (0028,0101) US 16
        (0028,0102) US 15
        (0028,0103) US 1
        (0028,1052) DS [-1024]
        (0028,1053) DS [1]
        (7fe0,0010) OW ={raw}

        """;
}
