using System.Runtime.InteropServices;

namespace MedCam.Dicom.Tests.Pixel;

public class PixelDecodeTests
{
    private static DicomDataset Image(int rows, int columns, int samples, int bitsAllocated, int bitsStored, int signed, string photometric, byte[] pixels, int planar = 0)
    {
        var ds = new DicomDataset()
            .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, (ushort)samples)
            .AddOrUpdate(DicomTags.PhotometricInterpretation, photometric)
            .AddOrUpdate<ushort>(DicomTags.Rows, (ushort)rows)
            .AddOrUpdate<ushort>(DicomTags.Columns, (ushort)columns)
            .AddOrUpdate<ushort>(DicomTags.BitsAllocated, (ushort)bitsAllocated)
            .AddOrUpdate<ushort>(DicomTags.BitsStored, (ushort)bitsStored)
            .AddOrUpdate<ushort>(DicomTags.HighBit, (ushort)(bitsStored - 1))
            .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, (ushort)signed)
            .AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, bitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixels));
        if (samples > 1)
        {
            ds.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, (ushort)planar);
        }

        return ds;
    }

    [Fact]
    public void GetFrame_12BitWithGarbageHighBits_MasksAndSignExtends()
    {
        ushort[] words = [0xF123, 0x0800, 0x07FF, 0xA000];
        var bytes = MemoryMarshal.AsBytes(words.AsSpan()).ToArray();
        var unsigned = DicomPixelData.Create(Image(1, 4, 1, 16, 12, 0, "MONOCHROME2", bytes), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal([0x123, 0x800, 0x7FF, 0x000], unsigned.GetFrame<int>(0));
        var signed = DicomPixelData.Create(Image(1, 4, 1, 16, 12, 1, "MONOCHROME1", bytes), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal([0x123, -2048, 2047, 0], signed.GetFrame<int>(0));
        Assert.Equal([291f, -2048f, 2047f, 0f], signed.GetFrame<float>(0));
    }

    [Fact]
    public void GetFrame_Signed8Bit_SignExtends()
    {
        var pixels = DicomPixelData.Create(Image(1, 3, 1, 8, 8, 1, "MONOCHROME2", [0x80, 0x7F, 0xFF]), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal([-128, 127, -1], pixels.GetFrame<int>(0));
    }

    [Fact]
    public void GetFrameRescaled_SlopeIntercept_Applied()
    {
        var ds = Image(1, 2, 1, 16, 16, 1, "MONOCHROME2", MemoryMarshal.AsBytes(new short[] { -1000, 24 }.AsSpan()).ToArray());
        ds.AddOrUpdate(DicomTags.RescaleSlope, DicomVR.DS, "2").AddOrUpdate(DicomTags.RescaleIntercept, DicomVR.DS, "-1024");
        Assert.Equal([-3024f, -976f], DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).GetFrameRescaled(0));
    }

    [Fact]
    public void GetFrame_RgbPlanar1_Interleaves()
    {
        byte[] planar = [1, 2, 10, 20, 100, 200];
        var pixels = DicomPixelData.Create(Image(1, 2, 3, 8, 8, 0, "RGB", planar, planar: 1), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal([1, 10, 100, 2, 20, 200], pixels.GetFrame<byte>(0));
    }

    [Fact]
    public void GetFrame_YbrFullAndYbr422_ConvertToRgb()
    {
        // Pure red (255,0,0) in full-range BT.601 is Y=76, Cb=85, Cr=255; grey 128 is (128,128,128).
        var full = DicomPixelData.Create(Image(1, 2, 3, 8, 8, 0, "YBR_FULL", [76, 85, 255, 128, 128, 128]), DicomTransferSyntax.ExplicitVRLittleEndian);
        var rgb = full.GetFrame<int>(0);
        Assert.InRange(rgb[0], 253, 255);
        Assert.InRange(rgb[1], 0, 2);
        Assert.InRange(rgb[2], 0, 2);
        Assert.Equal([128, 128, 128], rgb[3..]);
        var sub = DicomPixelData.Create(Image(1, 2, 3, 8, 8, 0, "YBR_FULL_422", [128, 76, 128, 128]), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal([128, 128, 128, 76, 76, 76], sub.GetFrame<int>(0));
    }

    [Fact]
    public void GetFrame_PaletteColor_MapsThroughLuts()
    {
        var ds = Image(1, 3, 1, 8, 8, 0, "PALETTE COLOR", [0, 1, 2]);
        ds.AddOrUpdate<ushort>(DicomTags.RedPaletteColorLookupTableDescriptor, DicomVR.US, 3, 0, 16)
          .AddOrUpdate<ushort>(DicomTags.GreenPaletteColorLookupTableDescriptor, DicomVR.US, 3, 0, 16)
          .AddOrUpdate<ushort>(DicomTags.BluePaletteColorLookupTableDescriptor, DicomVR.US, 3, 0, 16)
          .AddOrUpdate(DicomElement.FromArray<ushort>(DicomTags.RedPaletteColorLookupTableData, DicomVR.OW, [0, 65535, 100]))
          .AddOrUpdate(DicomElement.FromArray<ushort>(DicomTags.GreenPaletteColorLookupTableData, DicomVR.OW, [0, 0, 200]))
          .AddOrUpdate(DicomElement.FromArray<ushort>(DicomTags.BluePaletteColorLookupTableData, DicomVR.OW, [0, 1, 300]));
        var rgb = DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).GetFrame<int>(0);
        Assert.Equal([0, 0, 0, 65535, 0, 1, 100, 200, 300], rgb);
    }

    [Fact]
    public void RleCodec_EncodeDecode_RoundTripsRandom16BitRgb()
    {
        var random = new Random(5);
        var description = new PixelDataDescription { Rows = 7, Columns = 11, SamplesPerPixel = 3, BitsAllocated = 16, BitsStored = 16, HighBit = 15, PhotometricInterpretation = "RGB" };
        var native = new byte[description.NativeFrameLength];
        random.NextBytes(native);
        native.AsSpan(0, 40).Fill(9); // a run
        var codec = new RleCodec();
        var decoded = codec.Decode(codec.Encode(native, description), description);
        Assert.Equal(native, decoded.Data.ToArray());
    }
}
