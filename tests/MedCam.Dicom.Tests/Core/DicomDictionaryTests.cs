namespace MedCam.Dicom.Tests.Core;

public class DicomDictionaryTests
{
    [Fact]
    public void Lookup_KnownTag_HasVRVMKeyword()
    {
        var entry = DicomDictionary.Lookup(DicomTags.ImageOrientationPatient)!;
        Assert.Equal("ImageOrientationPatient", entry.Keyword);
        Assert.Equal(DicomVR.DS, entry.ValueRepresentation);
        Assert.Equal("6", entry.ValueMultiplicity);
        Assert.False(entry.IsRetired);
    }

    [Fact]
    public void Lookup_RepeatingOverlayGroup_MatchesRange()
    {
        var entry = DicomDictionary.Lookup(new DicomTag(0x6002, 0x3000))!;
        Assert.Equal("OverlayData", entry.Keyword);
        Assert.Equal(DicomVR.OW, entry.ValueRepresentation);
    }

    [Fact]
    public void Lookup_RetiredAndAmbiguous_AreMarked()
    {
        Assert.True(DicomDictionary.LookupKeyword("CommandLengthToEnd")!.IsRetired);
        var smallest = DicomDictionary.Lookup(DicomTags.SmallestImagePixelValue)!;
        Assert.Equal([DicomVR.US, DicomVR.SS], smallest.ValueRepresentations);
    }

    [Fact]
    public void Count_GeneratedFromDcmtk_MatchesDicomDic()
    {
        var path = Directory.GetDirectories("/usr/share", "libdcmtk*").Select(d => Path.Combine(d, "dicom.dic")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dcmtk's dicom.dic is not installed (apt-get install dcmtk).");
        var keywords = File.ReadLines(path).Where(l => l.Length > 0 && l[0] == '(').Select(l => l.Split('\t'))
            .Where(f => f[1] != "na" && f[4] is not ("PRIVATE" or "ILLEGAL" or "GENERIC")).Count();
        Assert.Equal(keywords, DicomDictionary.Count);
    }

    [Fact]
    public void Lookup_PrivateCreatorAndUnknown_AreHandled()
    {
        Assert.Equal(DicomVR.LO, DicomDictionary.ImplicitVR(new DicomTag(0x0029, 0x0010)));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x0029, 0x1010)));
    }
}
