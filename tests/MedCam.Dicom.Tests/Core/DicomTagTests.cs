namespace MedCam.Dicom.Tests.Core;

public class DicomTagTests
{
    [Theory]
    [InlineData("(0010,0010)", 0x0010, 0x0010)]
    [InlineData("0028,0010", 0x0028, 0x0010)]
    [InlineData("7FE00010", 0x7FE0, 0x0010)]
    [InlineData("PatientName", 0x0010, 0x0010)]
    [InlineData("ImagePositionPatient", 0x0020, 0x0032)]
    public void Parse_TextOrKeyword_GivesGroupAndElement(string text, int group, int element)
    {
        var tag = DicomTag.Parse(text);
        Assert.Equal((ushort)group, tag.Group);
        Assert.Equal((ushort)element, tag.Element);
    }

    [Fact]
    public void ToString_Tag_FormatsLikeDcmdump() => Assert.Equal("(0008,103E)", new DicomTag(0x0008, 0x103E).ToString());

    [Fact]
    public void Parse_Garbage_Throws() => Assert.Throws<FormatException>(() => DicomTag.Parse("NotAKeyword"));

    [Fact]
    public void PrivateHelpers_PrivateTags_AreRecognised()
    {
        var creator = new DicomTag(0x0029, 0x0010);
        var data = new DicomTag(0x0029, 0x1010);
        Assert.True(creator.IsPrivateCreator);
        Assert.True(data.IsPrivate);
        Assert.False(data.IsPrivateCreator);
        Assert.Equal(creator, data.PrivateCreatorTag);
        Assert.False(DicomTags.PatientName.IsPrivate);
        Assert.True(new DicomTag(0x0008, 0x0000).IsGroupLength);
    }

    [Fact]
    public void Ordering_Tags_SortByGroupThenElement()
    {
        Assert.True(DicomTags.PatientName < DicomTags.PixelData);
        Assert.Equal(DicomTags.PatientName, DicomTag.Parse("(0010,0010)"));
        Assert.NotEqual(DicomTags.PatientName, DicomTags.PatientID);
    }
}
