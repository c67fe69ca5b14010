using System.Runtime.InteropServices;
using MedCam.Dicom.Tests;

namespace MedCam.Dicom.Codecs.Gdcm.Tests;

/// <summary>Frames compressed by dcmtk (and Pillow/OpenJPEG for JPEG 2000) decode to dcmtk's own decode.</summary>
public class GdcmCodecInteropTests
{
    private static readonly DicomCodecRegistry Codecs = new DicomCodecRegistry(new RleCodec()).AddGdcm();

    [Theory]
    [InlineData("dcmcjpeg", "", "dcmdjpeg", "1.2.840.10008.1.2.4.70")]
    [InlineData("dcmcjpeg", "+el", "dcmdjpeg", "1.2.840.10008.1.2.4.57")]
    [InlineData("dcmcjpls", "", "dcmdjpls", "1.2.840.10008.1.2.4.80")]
    public void GetFrame_LosslessSignedCt_IdenticalToDcmtkDecode(string encoder, string option, string decoder, string uid)
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", rows: 40, columns: 36);
        var compressed = dir.File("c.dcm");
        Peer.RunChecked(encoder, option.Length > 0 ? [option, source, compressed] : [source, compressed]);
        using var file = DicomFile.Open(compressed);
        Assert.Equal(uid, file.TransferSyntax.Uid.Value);
        var expected = MemoryMarshal.Cast<byte, short>(DcmtkFixtures.DcmtkRawPixels(dir, compressed, decoder)).ToArray();
        Assert.Equal(expected, DicomPixelData.Create(file, Codecs).GetFrame<short>(0));
        Assert.Equal(MemoryMarshal.Cast<byte, short>(File.ReadAllBytes(dir.File("ct.raw"))).ToArray(), expected);
    }

    [Fact]
    public void GetFrame_Jpeg12BitLossy_WithinOneOfDcmtkDecode()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", rows: 32, columns: 32);
        var compressed = dir.File("c.dcm");
        Peer.RunChecked("dcmcjpeg", "+ee", source, compressed);
        using var file = DicomFile.Open(compressed);
        Assert.Equal(DicomTransferSyntax.JPEGExtended12Bit, file.TransferSyntax);
        var expected = MemoryMarshal.Cast<byte, short>(DcmtkFixtures.DcmtkRawPixels(dir, compressed, "dcmdjpeg")).ToArray();
        var actual = DicomPixelData.Create(file, Codecs).GetFrame<short>(0);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1), "12-bit lossy decode differs from dcmdjpeg by more than 1");
    }

    [Fact]
    public void GetFrame_JpegBaselineRgbMultiFrame_WithinRoundingOfDcmtkRgb()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.RgbImage(dir, "rgb", rows: 16, columns: 24, frames: 2);
        var compressed = dir.File("c.dcm");
        Peer.RunChecked("dcmcjpeg", "+eb", source, compressed);
        var expected = DcmtkFixtures.DcmtkRawPixels(dir, compressed, "dcmdjpeg");
        using var file = DicomFile.Open(compressed);
        Assert.Equal("YBR_FULL_422", file.Dataset.Get<string>(DicomTags.PhotometricInterpretation));
        var pixels = DicomPixelData.Create(file, Codecs);
        var frameLength = 16 * 24 * 3;
        for (var f = 0; f < 2; f++)
        {
            var actual = pixels.GetFrame<byte>(f);
            var reference = expected.AsSpan(f * frameLength, frameLength).ToArray();
            var worst = reference.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= 2, $"frame {f}: largest difference from dcmdjpeg's RGB is {worst}");
        }
    }

    [Fact]
    public void GetFrame_Jpeg2000FromPillow_IdenticalToSource()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", rows: 24, columns: 20, bitsStored: 12);
        var j2k = dir.File("j2k.dcm");
        var script = $"""
            import numpy as np, pydicom, io
            from PIL import Image
            from pydicom.encaps import encapsulate
            from pydicom.uid import JPEG2000Lossless
            ds = pydicom.dcmread('{source}')
            arr = ds.pixel_array.astype(np.uint16) & 0x0FFF
            ds.PixelRepresentation = 0
            buf = io.BytesIO()
            Image.fromarray(arr.astype(np.uint16), mode='I;16').save(buf, format='JPEG2000', irreversible=False, no_jp2=True)
            ds.PixelData = encapsulate([buf.getvalue()])
            ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
            ds.is_implicit_VR = False
            ds.is_little_endian = True
            ds.save_as('{j2k}', write_like_original=False)
            np.save('{dir.File("ref.npy")}', arr)
            """;
        var (code, output) = Peer.Run("/usr/bin/python3", "-c", script);
        Assert.True(code == 0, output);
        using var file = DicomFile.Open(j2k);
        Assert.Equal(DicomTransferSyntax.JPEG2000Lossless, file.TransferSyntax);
        var raw = File.ReadAllBytes(dir.File("ct.raw"));
        var expected = MemoryMarshal.Cast<byte, short>(raw).ToArray().Select(v => (int)((ushort)v & 0x0FFF)).ToArray();
        Assert.Equal(expected, DicomPixelData.Create(file, Codecs).GetFrame<int>(0));
    }

    [Fact]
    public void Save_JpegLosslessToExplicit_DcmtkSeesSamePixels()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", rows: 20, columns: 18);
        var compressed = dir.File("c.dcm");
        Peer.RunChecked("dcmcjpeg", source, compressed);
        var output = dir.File("native.dcm");
        using (var file = DicomFile.Open(compressed))
        {
            var decoded = DicomTranscoder.Transcode(file.Dataset, file.TransferSyntax, DicomTransferSyntax.ExplicitVRLittleEndian, Codecs);
            DicomFile.Create(decoded, DicomTransferSyntax.ExplicitVRLittleEndian).Save(output);
        }

        Assert.Equal(File.ReadAllBytes(dir.File("ct.raw")), DcmtkFixtures.DcmtkRawPixels(dir, output));
    }
}
