using System.Runtime.InteropServices;

namespace MedCam.Dicom.Tests.Pixel;

public class PixelDataInteropTests
{
    [Fact]
    public void GetFrame_DcmcrleCtSlice_EqualsDcmdrleDecode()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", rows: 37, columns: 29);
        var rle = dir.File("ct-rle.dcm");
        Peer.RunChecked("dcmcrle", source, rle);
        using var file = DicomFile.Open(rle);
        Assert.Equal(DicomTransferSyntax.RLELossless, file.TransferSyntax);
        var expected = MemoryMarshal.Cast<byte, short>(DcmtkFixtures.DcmtkRawPixels(dir, rle, "dcmdrle")).ToArray();
        Assert.Equal(expected, DicomPixelData.Create(file).GetFrame<short>(0));
    }

    [Fact]
    public void GetFrame_DcmcrleMultiFrameRgb_EachFrameEqualsDcmdrleDecode()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.RgbImage(dir, "rgb", rows: 9, columns: 13, frames: 3);
        var rle = dir.File("rgb-rle.dcm");
        Peer.RunChecked("dcmcrle", source, rle);
        var expected = DcmtkFixtures.DcmtkRawPixels(dir, rle, "dcmdrle");
        using var file = DicomFile.Open(rle);
        var pixels = DicomPixelData.Create(file);
        Assert.Equal(3, pixels.NumberOfFrames);
        var frameLength = 9 * 13 * 3;
        for (var f = 0; f < 3; f++)
        {
            Assert.Equal(expected.AsSpan(f * frameLength, frameLength).ToArray(), pixels.GetFrame<byte>(f));
        }
    }

    [Fact]
    public void Save_AsRle_DcmdrleRestoresOriginalAndDciodvfyAccepts()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", rows: 33, columns: 31);
        var output = dir.File("medcam-rle.dcm");
        using (var file = DicomFile.Open(source))
        {
            file.Save(output, DicomTransferSyntax.RLELossless);
        }

        Assert.Equal(DcmtkFixtures.DcmtkRawPixels(dir, source), DcmtkFixtures.DcmtkRawPixels(dir, output, "dcmdrle"));
        var (_, verify) = Peer.Run("dciodvfy", output);
        Assert.DoesNotContain("Error", verify, StringComparison.Ordinal);
        using var back = DicomFile.Open(output);
        back.Save(dir.File("back.dcm"), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal(DcmtkFixtures.DcmtkRawPixels(dir, source), DcmtkFixtures.DcmtkRawPixels(dir, dir.File("back.dcm")));
    }

    [Fact]
    public void GetFrame_MultiFrameNative_ReadsOnlyRequestedFrameSlice()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.RgbImage(dir, "rgb", rows: 8, columns: 8, frames: 5);
        using var file = DicomFile.Open(source);
        var pixels = DicomPixelData.Create(file);
        var all = File.ReadAllBytes(dir.File("rgb.raw"));
        Assert.Equal(all.AsSpan(4 * 192, 192).ToArray(), pixels.GetFrame<byte>(4));
        Assert.Equal(192, pixels.GetFrameBytes(2).Length);
    }
}
