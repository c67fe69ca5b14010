namespace MedCam.Dicom.Tests.Core;

public class DicomUidTests
{
    [Fact]
    public void Generate_Twice_GivesValidDistinct225Uids()
    {
        var a = DicomUid.Generate();
        var b = DicomUid.Generate();
        Assert.StartsWith("2.25.", a.Value, StringComparison.Ordinal);
        Assert.True(a.IsValid);
        Assert.True(a.Value.Length <= 64);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void FromName_SameInputs_GivesSameUid()
    {
        var a = DicomUid.FromName("1.2.3", "model-v1", "gradcam", "class=2");
        var b = DicomUid.FromName("1.2.3", "model-v1", "gradcam", "class=2");
        Assert.Equal(a, b);
        Assert.True(a.IsValid);
        Assert.NotEqual(a, DicomUid.FromName("1.2.3", "model-v1", "gradcam", "class=3"));
        Assert.NotEqual(DicomUid.FromName("ab", "c"), DicomUid.FromName("a", "bc"));
    }

    [Fact]
    public void FromUuid_KnownUuid_MatchesPs35ExampleForm()
    {
        // PS3.5 B.2 example: f81d4fae-7dec-11d0-a765-00a0c91e6bf6
        var uid = DicomUid.FromUuid(Guid.Parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
        Assert.Equal("2.25.329800735698586629295641978511506172918", uid.Value);
    }

    [Fact]
    public void Parse_WellKnown_HasName()
    {
        Assert.Equal("CT Image Storage", DicomUid.Parse("1.2.840.10008.5.1.4.1.1.2").Name);
        Assert.True(DicomUids.MedCamImplementationClass.IsValid);
        Assert.Equal(DicomTransferSyntax.RLELossless, DicomTransferSyntax.Parse("rle"));
        Assert.Equal(DicomTransferSyntax.ExplicitVRBigEndian, DicomTransferSyntax.Parse("1.2.840.10008.1.2.2"));
        Assert.Equal(DicomTransferSyntax.JPEGLSLossless, DicomTransferSyntax.Parse("JPEGLSLossless"));
    }

    [Theory]
    [InlineData("1.2.3", true)]
    [InlineData("1.02.3", false)]
    [InlineData("1..2", false)]
    [InlineData("1.2.a", false)]
    public void IsValidValue_Forms_FollowPs35(string value, bool valid) => Assert.Equal(valid, DicomUid.IsValidValue(value));
}
