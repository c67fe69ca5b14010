namespace MedCam.Dicom.Tests.IO;

public class Part10InteropTests
{
    private const string SequenceAndPrivate = """
        (0008,1140) SQ (Sequence with undefined length #=2)
        (fffe,e000) na (Item with undefined length #=2)
        (0008,1150) UI =CTImageStorage
        (0008,1155) UI [1.2.3.4.5]
        (fffe,e00d) na
        (fffe,e000) na
        (0040,a170) SQ
        (fffe,e000) na
        (0008,0100) SH [121311]
        (0008,0102) SH [DCM]
        (0008,0104) LO [Localizer]
        (fffe,e00d) na
        (fffe,e0dd) na
        (fffe,e00d) na
        (fffe,e0dd) na
        (0029,0010) LO [MEDCAM TEST]
        (0029,1010) LO [private text]
        (0029,1011) UN 01\02\03\04
        """;

    [Fact]
    public void Open_Dump2DcmCtSlice_TypedGettersReadValues()
    {
        using var dir = new TempDirectory();
        var path = DcmtkFixtures.CtSlice(dir, "ct", z: 12.5);
        using var file = DicomFile.Open(path);
        var ds = file.Dataset;
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal("Test^Patient", ds.Get<string>(DicomTags.PatientName));
        Assert.Equal("Patient", ds.Get<DicomPersonName>(DicomTags.PatientName).GivenName);
        Assert.Equal([-100.0, -120.0, 12.5], ds.Get<double[]>(DicomTags.ImagePositionPatient));
        Assert.Equal(12.5, ds.Get<double>(DicomTags.ImagePositionPatient, 2));
        Assert.Equal(new DateOnly(2024, 1, 2), ds.Get<DateOnly>(DicomTags.StudyDate));
        Assert.Equal(new TimeOnly(10, 15, 0), ds.Get<TimeOnly>(DicomTags.StudyTime));
        Assert.Equal(new DateTime(2024, 1, 2), ds.Get<DateTime>(DicomTags.StudyDate));
        Assert.Equal(64, ds.Get<int>(DicomTags.Rows));
        Assert.Equal((ushort)12, ds.Get<ushort>(DicomTags.BitsStored));
        Assert.Equal(2.5m, ds.Get<decimal>(DicomTags.SliceThickness));
        Assert.Equal([0.7, 0.8], ds.Get<double[]>(DicomTags.PixelSpacing));
        Assert.Equal(DicomUids.CTImageStorage, ds.Get<DicomUid>(DicomTags.SOPClassUID));
        Assert.Equal(-1024, ds.GetOrDefault(DicomTags.RescaleIntercept, 0));
        Assert.False(ds.TryGet<int>(DicomTags.NumberOfFrames, out _));
        Assert.Throws<DicomTagNotFoundException>(() => ds.Get<int>(DicomTags.NumberOfFrames));
        Assert.Throws<DicomFormatException>(() => ds.Get<int>(DicomTags.PatientName));
        Assert.Equal(string.Empty, ds.Get<string>(DicomTags.ReferringPhysicianName));
    }

    [Theory]
    [InlineData("+ti", "1.2.840.10008.1.2")]
    [InlineData("+tb", "1.2.840.10008.1.2.2")]
    [InlineData("+td", "1.2.840.10008.1.2.1.99")]
    [InlineData("+te", "1.2.840.10008.1.2.1")]
    public void Open_DcmconvTransferSyntax_SameElementsAndPixels(string option, string uid)
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", extra: SequenceAndPrivate);
        var converted = dir.File("converted.dcm");
        Peer.RunChecked("dcmconv", option, source, converted);
        using var reference = DicomFile.Open(source);
        using var file = DicomFile.Open(converted);
        Assert.Equal(uid, file.TransferSyntax.Uid.Value);
        AssertSameContent(reference.Dataset, file.Dataset, implicitVR: option == "+ti");
        Assert.Equal(DcmtkFixtures.DcmtkRawPixels(dir, converted), DicomPixelData.Create(file).GetFrameBytes(0).ToArray());
        Assert.Equal("MEDCAM TEST", file.Dataset.Get<string>(new DicomTag(0x0029, 0x0010)));
        var item = file.Dataset.GetSequence(DicomTags.ReferencedImageSequence).Items[1];
        Assert.Equal("Localizer", item.GetSequence(DicomTags.PurposeOfReferenceCodeSequence).Items[0].Get<string>(DicomTags.CodeMeaning));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2")]
    [InlineData("1.2.840.10008.1.2.1")]
    [InlineData("1.2.840.10008.1.2.1.99")]
    [InlineData("1.2.840.10008.1.2.2")]
    public void Save_ReadWriteRead_KeepsEveryElementAndDcmdumpReadsIt(string uid)
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct", extra: SequenceAndPrivate);
        var output = dir.File("medcam.dcm");
        using (var file = DicomFile.Open(source))
        {
            file.Save(output, DicomTransferSyntax.Parse(uid));
            using var again = DicomFile.Open(output);
            Assert.Equal(uid, again.TransferSyntax.Uid.Value);
            AssertSameContent(file.Dataset, again.Dataset, implicitVR: uid == "1.2.840.10008.1.2");
            Assert.Equal(DicomUids.MedCamImplementationClass.Value, again.FileMetaInformation.Get<string>(DicomTags.ImplementationClassUID));
            Assert.Equal("MEDCAM_0.1", again.FileMetaInformation.Get<string>(DicomTags.ImplementationVersionName));
        }

        var dump = Peer.RunChecked("dcmdump", "-dc", output);
        Assert.Contains("(0010,0010) PN [Test^Patient]", dump, StringComparison.Ordinal);
        Assert.Contains("MediaStorageSOPClassUID", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("rror", dump, StringComparison.Ordinal);
        var reference = DcmtkFixtures.DcmtkRawPixels(dir, source);
        Assert.Equal(reference, DcmtkFixtures.DcmtkRawPixels(dir, output));
    }

    [Fact]
    public void Save_CtSlice_PassesDciodvfyAndMetaGroupLengthIsRight()
    {
        using var dir = new TempDirectory();
        var source = DcmtkFixtures.CtSlice(dir, "ct");
        var output = dir.File("medcam.dcm");
        using (var file = DicomFile.Open(source))
        {
            file.Save(output, DicomTransferSyntax.ExplicitVRLittleEndian);
        }

        var (_, sourceVerify) = Peer.Run("dciodvfy", source);
        Assert.DoesNotContain("Error", sourceVerify, StringComparison.Ordinal);
        var (_, verify) = Peer.Run("dciodvfy", output);
        Assert.Contains("CTImage", verify, StringComparison.Ordinal);
        Assert.DoesNotContain("Error", verify, StringComparison.Ordinal);
        var dump = Peer.RunChecked("dcmdump", "-M", "+L", output);
        Assert.Contains("(0002,0000) UL", dump, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(output);
        var groupLength = BitConverter.ToUInt32(bytes, 132 + 8);
        var meta = DicomFile.Parse(bytes).FileMetaInformation;
        Assert.Equal(groupLength, (uint)(DicomDatasetWriter.ToBytes(meta, DicomTransferSyntax.ExplicitVRLittleEndian).Length - 12));
    }

    [Fact]
    public void DatasetWriter_CommandSetImplicit_ComputesGroupLengthAndReadsBack()
    {
        var command = new DicomDataset()
            .AddOrUpdate(DicomTags.AffectedSOPClassUID, DicomUids.Verification)
            .AddOrUpdate<ushort>(DicomTags.CommandField, 0x0030)
            .AddOrUpdate<ushort>(DicomTags.MessageID, 7)
            .AddOrUpdate<ushort>(DicomTags.CommandDataSetType, 0x0101);
        var bytes = DicomDatasetWriter.ToBytes(command, DicomTransferSyntax.ImplicitVRLittleEndian);
        var read = DicomDatasetReader.Read(bytes, DicomTransferSyntax.ImplicitVRLittleEndian);
        Assert.Equal((uint)(bytes.Length - 12), read.Get<uint>(DicomTags.CommandGroupLength));
        Assert.Equal((ushort)0x0030, read.Get<ushort>(DicomTags.CommandField));
        Assert.Equal(DicomUids.Verification.Value, read.Get<string>(DicomTags.AffectedSOPClassUID));
        using var stream = new MemoryStream(bytes);
        Assert.Equal(7, DicomDatasetReader.Read(stream, DicomTransferSyntax.ImplicitVRLittleEndian).Get<int>(DicomTags.MessageID));
    }

    internal static void AssertSameContent(DicomDataset expected, DicomDataset actual, bool implicitVR)
    {
        var e = expected.Where(i => !i.Tag.IsGroupLength).ToList();
        var a = actual.Where(i => !i.Tag.IsGroupLength).ToList();
        Assert.Equal(e.Select(i => i.Tag), a.Select(i => i.Tag));
        for (var i = 0; i < e.Count; i++)
        {
            switch (e[i], a[i])
            {
                case (DicomElement x, DicomElement y):
                    Assert.True(x.Data.Span.SequenceEqual(y.Data.Span), $"{x.Tag} differs");

                    if (!implicitVR || !x.Tag.IsPrivate)
                    {
                        Assert.Equal(x.VR, y.VR);
                    }

                    break;
                case (DicomSequence x, DicomSequence y):
                    Assert.Equal(x.Items.Count, y.Items.Count);
                    for (var k = 0; k < x.Items.Count; k++)
                    {
                        AssertSameContent(x.Items[k], y.Items[k], implicitVR);
                    }

                    break;
                case (DicomFragmentSequence x, DicomFragmentSequence y):
                    Assert.Equal(x.Fragments.Count, y.Fragments.Count);
                    break;
                default:
                    Assert.Fail($"{e[i].Tag}: {e[i].GetType().Name} vs {a[i].GetType().Name}");
                    break;
            }
        }
    }
}
