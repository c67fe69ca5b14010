using System.Globalization;
using System.Text;

namespace MedCam.Dicom.Tests;

/// <summary>Builds test objects with dcmtk's dump2dcm from a text dump and raw pixels written by the test.</summary>
internal static class DcmtkFixtures
{
    /// <summary>A signed 16-bit CT slice (12 bits stored) with a deterministic pattern, made by dump2dcm.</summary>
    public static string CtSlice(TempDirectory dir, string name, int rows = 64, int columns = 48, double z = 0, int seed = 1,
        string orientation = @"1\0\0\0\1\0", double tiltY = 0, string? extra = null, int bitsStored = 12)
    {
        var raw = dir.File(name + ".raw");
        var pixels = new short[rows * columns];
        var random = new Random(seed);
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (short)(random.Next(-(1 << (bitsStored - 1)), 1 << (bitsStored - 1)));
        }

        File.WriteAllBytes(raw, System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray());
        var ipp = string.Create(CultureInfo.InvariantCulture, $@"-100\{-120 + (z * tiltY)}\{z}");
        var dump = $"""
            (0008,0016) UI =CTImageStorage
            (0008,0018) UI {DicomUid.FromName("slice", name, seed.ToString(CultureInfo.InvariantCulture)).Value}
            (0008,0020) DA [20240102]
            (0008,0030) TM [101500]
            (0008,0050) SH [ACC1]
            (0008,0060) CS [CT]
            (0008,0070) LO [MedCam Test]
            (0008,0090) PN []
            (0010,0010) PN [Test^Patient]
            (0010,0020) LO [PID1]
            (0010,0030) DA [19700101]
            (0010,0040) CS [O]
            (0018,0050) DS [2.5]
            (0018,0060) DS [120]
            (0020,000d) UI {DicomUid.FromName("study").Value}
            (0020,000e) UI {DicomUid.FromName("series").Value}
            (0020,0010) SH [S1]
            (0020,0011) IS [1]
            (0020,0013) IS [{seed}]
            (0020,0032) DS [{ipp}]
            (0020,0037) DS [{orientation}]
            (0020,0052) UI {DicomUid.FromName("for").Value}
            (0008,0008) CS [ORIGINAL\PRIMARY\AXIAL]
            (0018,0015) CS [CHEST]
            (0018,5100) CS [HFS]
            (0020,0012) IS [1]
            (0020,1040) LO []
            (0028,0002) US 1
            (0028,0004) CS [MONOCHROME2]
            (0028,0010) US {rows}
            (0028,0011) US {columns}
            (0028,0030) DS [0.7\0.8]
            (0028,0100) US 16
            (0028,0101) US {bitsStored}
            (0028,0102) US {bitsStored - 1}
            (0028,0103) US 1
            (0028,1050) DS [40]
            (0028,1051) DS [400]
            (0028,1052) DS [-1024]
            (0028,1053) DS [1]
            {extra ?? string.Empty}
            (7fe0,0010) OW ={raw}
            """;
        return Dump2Dcm(dir, name, dump);
    }

    /// <summary>An 8-bit RGB secondary capture (planar configuration 0) made by dump2dcm.</summary>
    public static string RgbImage(TempDirectory dir, string name, int rows = 32, int columns = 40, int frames = 1)
    {
        var raw = dir.File(name + ".raw");
        var pixels = new byte[rows * columns * 3 * frames];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 7) + (i / 97));
        }

        File.WriteAllBytes(raw, pixels);
        var dump = $"""
            (0008,0016) UI =SecondaryCaptureImageStorage
            (0008,0018) UI {DicomUid.FromName("rgb", name).Value}
            (0008,0020) DA []
            (0008,0030) TM []
            (0008,0050) SH []
            (0008,0060) CS [OT]
            (0008,0064) CS [WSD]
            (0008,0090) PN []
            (0010,0010) PN []
            (0010,0020) LO []
            (0010,0030) DA []
            (0010,0040) CS []
            (0020,000d) UI {DicomUid.FromName("study").Value}
            (0020,000e) UI {DicomUid.FromName("rgb-series").Value}
            (0020,0010) SH []
            (0020,0011) IS []
            (0020,0013) IS []
            (0020,0020) CS []
            (0028,0002) US 3
            (0028,0004) CS [RGB]
            {(frames > 1 ? $"(0028,0008) IS [{frames}]" : string.Empty)}
            (0028,0006) US 0
            (0028,0010) US {rows}
            (0028,0011) US {columns}
            (0028,0100) US 8
            (0028,0101) US 8
            (0028,0102) US 7
            (0028,0103) US 0
            (7fe0,0010) OB ={raw}
            """;
        return Dump2Dcm(dir, name, dump);
    }

    public static string Dump2Dcm(TempDirectory dir, string name, string dump)
    {
        var dumpPath = dir.File(name + ".txt");
        File.WriteAllText(dumpPath, dump, Encoding.Latin1);
        var output = dir.File(name + ".dcm");
        Peer.RunChecked("dump2dcm", "+te", dumpPath, output);
        return output;
    }

    /// <summary>Reads the pixel bytes of an uncompressed little-endian file with dcmtk's own dump of the element.</summary>
    public static byte[] DcmtkRawPixels(TempDirectory dir, string dicomPath, string decoder = "dcmconv")
    {
        var target = dir.File(Path.GetFileNameWithoutExtension(dicomPath) + "-" + Guid.NewGuid().ToString("N")[..6] + ".pix");
        var explicitCopy = target + ".dcm";
        Peer.RunChecked(decoder, "+te", dicomPath, explicitCopy);
        var dumpDir = target + ".d";
        Directory.CreateDirectory(dumpDir);
        Peer.RunChecked("dcmdump", "+W", dumpDir, explicitCopy);
        var pixelFile = Directory.GetFiles(dumpDir, "*.raw").Single();
        return File.ReadAllBytes(pixelFile);
    }
}
