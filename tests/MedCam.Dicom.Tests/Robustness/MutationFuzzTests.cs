using System.Buffers.Binary;
using System.Diagnostics;

namespace MedCam.Dicom.Tests.Robustness;

/// <summary>
/// Thousands of corrupted files: each must parse or raise DicomFormatException (deeper access: a DicomException),
/// never another exception type, never hang, never allocate far beyond its own size.
/// </summary>
public class MutationFuzzTests
{
    private const string Nested = """
        (0008,1140) SQ
        (fffe,e000) na
        (0008,1150) UI =CTImageStorage
        (0040,a170) SQ
        (fffe,e000) na
        (0008,0104) LO [Localizer]
        (fffe,e00d) na
        (fffe,e0dd) na
        (fffe,e00d) na
        (fffe,e0dd) na
        (0029,0010) LO [MEDCAM TEST]
        (0029,1011) UN 01\02\03\04
        """;

    [Fact]
    public void Parse_ThousandsOfMutations_OnlyDicomExceptionsWithinBounds()
    {
        using var dir = new TempDirectory();
        var ct = DcmtkFixtures.CtSlice(dir, "ct", rows: 16, columns: 12, extra: Nested);
        var seeds = new List<byte[]> { File.ReadAllBytes(ct) };
        foreach (var (option, tool) in new[] { ("+ti", "dcmconv"), ("+tb", "dcmconv"), ("+td", "dcmconv"), ("", "dcmcrle") })
        {
            var output = dir.File($"v{seeds.Count}.dcm");
            Peer.RunChecked(tool, option.Length > 0 ? [option, ct, output] : [ct, output]);
            seeds.Add(File.ReadAllBytes(output));
        }

        foreach (var seed in seeds)
        {
            Assert.False(ParseAndTouch(seed).Rejected); // warm-up (dictionary, JIT) and a sanity check: seeds are valid
        }

        var random = new Random(20240521);
        var cases = 0;
        var rejected = 0;
        var slowest = TimeSpan.Zero;
        foreach (var seed in seeds)
        {
            for (var i = 0; i < 700; i++)
            {
                var mutated = Mutate(seed, random, i % 5);
                var (elapsed, wasRejected) = ParseAndTouch(mutated);
                slowest = elapsed > slowest ? elapsed : slowest;
                rejected += wasRejected ? 1 : 0;
                cases++;
            }
        }

        Assert.Equal(3500, cases);
        Assert.InRange(rejected, 100, cases - 100); // the mutations really exercise both outcomes
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest case took {slowest}");
    }

    [Fact]
    public void Parse_DeepNesting_RejectedAsFormatError()
    {
        using var stream = new MemoryStream();
        var header = new byte[12];
        for (var i = 0; i < 10_000; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x11400008); // (0008,1140) SQ, undefined length
            header[4] = (byte)'S';
            header[5] = (byte)'Q';
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), uint.MaxValue);
            stream.Write(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0xE000FFFE);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), uint.MaxValue);
            stream.Write(header, 0, 8);
        }

        var ex = Assert.Throws<DicomFormatException>(() => DicomDatasetReader.Read(stream.ToArray(), DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.Contains("nested deeper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AbsurdLength_RejectedWithoutAllocating()
    {
        var bytes = new byte[] { 0x10, 0x00, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xF0, 0xFF, 0xFF, 0x7F, 1, 2 };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DicomFormatException>(() => DicomDatasetReader.Read(bytes, DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("declares 2147483632 bytes", ex.Message, StringComparison.Ordinal);
    }

    private static (TimeSpan Elapsed, bool Rejected) ParseAndTouch(byte[] bytes)
    {
        var watch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        DicomFile file;
        try
        {
            file = DicomFile.Parse(bytes);
        }
        catch (DicomFormatException)
        {
            return (watch.Elapsed, true);
        }

        var rejected = false;
        try
        {
            Touch(file.Dataset);
            if (file.Dataset.Contains(DicomTags.PixelData))
            {
                var pixels = DicomPixelData.Create(file);
                _ = pixels.GetFrame<int>(0);
            }
        }
        catch (DicomException)
        {
            rejected = true;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < (bytes.Length * 64L) + (4 << 20), $"allocated {allocated} bytes for a {bytes.Length}-byte input");
        return (watch.Elapsed, rejected);
    }

    private static void Touch(DicomDataset dataset)
    {
        foreach (var item in dataset)
        {
            switch (item)
            {
                case DicomElement e:
                    _ = e.GetText();
                    _ = e.Count;
                    break;
                case DicomSequence s:
                    foreach (var child in s.Items)
                    {
                        Touch(child);
                    }

                    break;
            }
        }

        _ = dataset.GetOrDefault(DicomTags.ImagePositionPatient, Array.Empty<double>());
        _ = dataset.GetOrDefault(DicomTags.StudyDate, default(DateOnly));
        _ = dataset.GetOrDefault(DicomTags.PatientName, new DicomPersonName(string.Empty));
    }

    private static byte[] Mutate(byte[] seed, Random random, int kind)
    {
        var bytes = (byte[])seed.Clone();
        switch (kind)
        {
            case 0: // truncation
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            case 1: // bit flips
                for (var k = random.Next(1, 9); k > 0; k--)
                {
                    var at = random.Next(bytes.Length);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 2: // absurd lengths written over 4 bytes somewhere in the header region
                var pos = random.Next(132, Math.Max(133, Math.Min(bytes.Length - 4, 1200)));
                uint[] absurd = [0xFFFFFFFF, 0x7FFFFFFF, 0xFFFFFFF0, 0x00FFFFFF, (uint)bytes.Length, 0x80000000];
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(pos), absurd[random.Next(absurd.Length)]);
                return bytes;
            case 3: // wrong VRs: replace a VR-looking pair with another code or garbage
                string[] vrs = ["SQ", "UN", "OB", "US", "UT", "XX", "\0\0", "PN", "AT", "FD"];
                for (var k = 0; k < 3; k++)
                {
                    var at = random.Next(132, bytes.Length - 2);
                    var vr = vrs[random.Next(vrs.Length)];
                    bytes[at] = (byte)vr[0];
                    bytes[at + 1] = (byte)vr[1];
                }

                return bytes;
            default: // splice: repeat or drop a chunk
                var start = random.Next(bytes.Length);
                var length = random.Next(1, Math.Min(512, bytes.Length - start + 1));
                return random.Next(2) == 0
                    ? [.. bytes.AsSpan(0, start), .. bytes.AsSpan(start, length), .. bytes.AsSpan(start)]
                    : [.. bytes.AsSpan(0, start), .. bytes.AsSpan(start + length - 1)];
        }
    }
}
