using System.Text;

namespace MedCam.Dicom.Tests.Text;

public class CharacterSetTests
{
    private static string PydicomPatientName(string path)
    {
        var (code, output) = Peer.Run("/usr/bin/python3", "-c",
            $"import pydicom,sys; ds=pydicom.dcmread('{path}'); sys.stdout.buffer.write(str(ds.PatientName).encode('utf-8'))");
        Assert.True(code == 0, output);
        return output;
    }

    private static string WriteName(TempDirectory dir, string name, string charset, byte[] value)
    {
        var ds = new DicomDataset()
            .AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, charset.Split('|'))
            .AddOrUpdate(DicomTags.SOPClassUID, DicomUids.SecondaryCaptureImageStorage)
            .AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate())
            .AddOrUpdate(new DicomElement(DicomTags.PatientName, DicomVR.PN, value.Length % 2 == 0 ? value : [.. value, (byte)' '],
                DicomCharacterSet.FromSpecificCharacterSet(charset.Replace('|', '\\'))));
        var path = dir.File(name + ".dcm");
        DicomFile.Create(ds).Save(path);
        return path;
    }

    [Theory]
    [InlineData("ISO_IR 100", "Buc^Jérôme")]
    [InlineData("ISO_IR 192", "Wang^XiaoDong=王^小東")]
    [InlineData("ISO_IR 144", "Люкceмбypг")]
    public void Decode_SingleByteAndUtf8_MatchesPydicom(string charset, string text)
    {
        using var dir = new TempDirectory();
        var bytes = charset == "ISO_IR 192" ? Encoding.UTF8.GetBytes(text) : charset == "ISO_IR 100" ? Encoding.Latin1.GetBytes(text) : CodePage(28595).GetBytes(text);
        var path = WriteName(dir, "n", charset, bytes);
        using var file = DicomFile.Open(path);
        Assert.Equal(text, file.Dataset.Get<string>(DicomTags.PatientName));
        Assert.Equal(text, PydicomPatientName(path));
    }

    [Fact]
    public void Decode_Iso2022Japanese_MatchesPs35ExampleAndPydicom()
    {
        // PS3.5 H.3.1: Yamada^Tarou=山田^太郎=やまだ^たろう in ISO 2022 IR 87.
        var value = Encoding.Latin1.GetBytes("Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B");
        using var dir = new TempDirectory();
        var path = WriteName(dir, "jp", "|ISO 2022 IR 87", value);
        using var file = DicomFile.Open(path);
        var name = file.Dataset.Get<DicomPersonName>(DicomTags.PatientName);
        Assert.Equal("山田^太郎", name.Ideographic);
        Assert.Equal("やまだ^たろう", name.Phonetic);
        Assert.Equal(PydicomPatientName(path), file.Dataset.Get<string>(DicomTags.PatientName));
    }

    [Fact]
    public void Decode_Iso2022Korean_MatchesPs35ExampleAndPydicom()
    {
        // PS3.5 I.2: Hong^Gildong=洪^吉洞=홍^길동 in ISO 2022 IR 149.
        byte[] value = [.. "Hong^Gildong="u8, 0x1B, 0x24, 0x29, 0x43, 0xFB, 0xF3, (byte)'^', 0x1B, 0x24, 0x29, 0x43, 0xD1, 0xCE, 0xD4, 0xD7, (byte)'=',
            0x1B, 0x24, 0x29, 0x43, 0xC8, 0xAB, (byte)'^', 0x1B, 0x24, 0x29, 0x43, 0xB1, 0xE6, 0xB5, 0xBF];
        using var dir = new TempDirectory();
        var path = WriteName(dir, "kr", "|ISO 2022 IR 149", value);
        using var file = DicomFile.Open(path);
        Assert.Equal("Hong^Gildong=洪^吉洞=홍^길동", file.Dataset.Get<string>(DicomTags.PatientName));
        Assert.Equal(PydicomPatientName(path), file.Dataset.Get<string>(DicomTags.PatientName));
    }

    [Fact]
    public void Save_NonAsciiTextAdded_WritesUtf8AndIsoIr192()
    {
        using var dir = new TempDirectory();
        var latin = WriteName(dir, "latin", "ISO_IR 100", Encoding.Latin1.GetBytes("Müller^Anna"));
        var output = dir.File("utf8.dcm");
        using (var file = DicomFile.Open(latin))
        {
            file.Dataset.AddOrUpdate(DicomTags.SeriesDescription, "Carte de chaleur — recherche");
            file.Save(output);
        }

        using var again = DicomFile.Open(output);
        Assert.Equal("ISO_IR 192", again.Dataset.Get<string>(DicomTags.SpecificCharacterSet));
        Assert.Equal("Müller^Anna", again.Dataset.Get<string>(DicomTags.PatientName));
        Assert.Equal("Müller^Anna", PydicomPatientName(output));
        Assert.Contains("Carte de chaleur — recherche", Peer.RunChecked("dcmdump", "+U8", output), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_UnchangedLatin1_KeepsBytesAndCharacterSet()
    {
        using var dir = new TempDirectory();
        var latin = WriteName(dir, "latin", "ISO_IR 100", Encoding.Latin1.GetBytes("Müller^Anna"));
        var output = dir.File("same.dcm");
        using (var file = DicomFile.Open(latin))
        {
            file.Save(output);
        }

        using var again = DicomFile.Open(output);
        Assert.Equal("ISO_IR 100", again.Dataset.Get<string>(DicomTags.SpecificCharacterSet));
        Assert.Equal(Encoding.Latin1.GetBytes("Müller^Anna "), again.Dataset.GetElement(DicomTags.PatientName).Data.ToArray());
    }

    private static Encoding CodePage(int page)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(page);
    }
}
