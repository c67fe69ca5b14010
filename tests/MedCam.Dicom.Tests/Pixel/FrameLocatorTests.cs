using System.Buffers.Binary;

namespace MedCam.Dicom.Tests.Pixel;

public class FrameLocatorTests
{
    private static readonly PixelDataDescription Description = new()
    {
        Rows = 4, Columns = 6, BitsAllocated = 8, BitsStored = 8, HighBit = 7, NumberOfFrames = 3, PhotometricInterpretation = "MONOCHROME2",
    };

    private static (DicomDataset Dataset, byte[][] Frames) Encapsulated(bool splitSecondFrame, string table)
    {
        var codec = new RleCodec();
        var frames = Enumerable.Range(0, 3).Select(f => Enumerable.Range(0, 24).Select(i => (byte)((f * 50) + i)).ToArray()).ToArray();
        var fragments = new List<ReadOnlyMemory<byte>>();
        var frameStarts = new List<ulong>();
        ulong offset = 0;
        foreach (var (frame, index) in frames.Select((f, i) => (f, i)))
        {
            var encoded = codec.Encode(frame, Description with { NumberOfFrames = 1 });
            frameStarts.Add(offset);
            var parts = splitSecondFrame && index == 1 ? new[] { encoded[..32], encoded[32..] } : new[] { encoded };
            foreach (var part in parts)
            {
                fragments.Add(part);
                offset += 8 + (ulong)part.Length;
            }
        }

        var ds = new DicomDataset()
            .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, 1)
            .AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, "3")
            .AddOrUpdate<ushort>(DicomTags.Rows, 4)
            .AddOrUpdate<ushort>(DicomTags.Columns, 6)
            .AddOrUpdate<ushort>(DicomTags.BitsAllocated, 8)
            .AddOrUpdate<ushort>(DicomTags.BitsStored, 8)
            .AddOrUpdate<ushort>(DicomTags.HighBit, 7)
            .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, 0);
        var bot = Array.Empty<byte>();
        if (table == "basic")
        {
            bot = new byte[12];
            for (var i = 0; i < 3; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bot.AsSpan(i * 4), (uint)frameStarts[i]);
            }
        }
        else if (table == "extended")
        {
            ds.AddOrUpdate(DicomElement.FromArray<ulong>(DicomTags.ExtendedOffsetTable, DicomVR.OV, frameStarts.ToArray()));
        }

        ds.AddOrUpdate(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, bot, fragments));
        return (ds, frames);
    }

    [Theory]
    [InlineData(true, "basic")]
    [InlineData(true, "extended")]
    [InlineData(false, "none")]
    public void GetFrame_FragmentsWithOffsetTables_LocatesEachFrame(bool split, string table)
    {
        var (ds, frames) = Encapsulated(split, table);
        var bytes = DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.RLELossless);
        var read = DicomDatasetReader.Read(bytes, DicomTransferSyntax.RLELossless);
        var pixels = DicomPixelData.Create(read, DicomTransferSyntax.RLELossless);
        Assert.True(pixels.IsEncapsulated);
        for (var f = 0; f < 3; f++)
        {
            Assert.Equal(frames[f], pixels.GetFrame<byte>(f));
        }
    }

    [Fact]
    public void GetFrame_SplitFramesWithoutTable_ClearError()
    {
        var (ds, _) = Encapsulated(true, "none");
        var pixels = DicomPixelData.Create(ds, DicomTransferSyntax.RLELossless);
        var ex = Assert.Throws<DicomFormatException>(() => pixels.GetFrame<byte>(0));
        Assert.Contains("Cannot locate 3 frames among 4 fragments", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnWithUndefinedLength_ParsedAsImplicitSequenceAndRewritten()
    {
        // PS3.5 6.2.2: an explicit VR UN of undefined length holds an implicit VR LE sequence.
        var inner = DicomDatasetWriter.ToBytes(new DicomDataset().AddOrUpdate(DicomTags.CodeValue, "121311"), DicomTransferSyntax.ImplicitVRLittleEndian);
        using var stream = new MemoryStream();
        stream.Write([0x29, 0x00, 0x10, 0x10, (byte)'U', (byte)'N', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
        stream.Write([0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
        stream.Write(inner);
        stream.Write([0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        var ds = DicomDatasetReader.Read(stream.ToArray(), DicomTransferSyntax.ExplicitVRLittleEndian);
        var sequence = ds.GetSequence(new DicomTag(0x0029, 0x1010));
        Assert.Equal("121311", sequence.Items[0].Get<string>(DicomTags.CodeValue));
        var again = DicomDatasetReader.Read(DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.ExplicitVRLittleEndian), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal("121311", again.GetSequence(new DicomTag(0x0029, 0x1010)).Items[0].Get<string>(DicomTags.CodeValue));
    }
}
