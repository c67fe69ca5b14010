using System.Text.Json;

namespace MedCam.Dicom.Tests.IO;

public class DicomJsonTests
{
    [Fact]
    public void ToJson_CtSlice_SameModelAsDcm2json()
    {
        using var dir = new TempDirectory();
        var path = DcmtkFixtures.CtSlice(dir, "ct", rows: 4, columns: 4, extra: """
            (0008,1140) SQ
            (fffe,e000) na
            (0008,1150) UI =CTImageStorage
            (0008,1155) UI [1.2.3.4.5]
            (fffe,e00d) na
            (fffe,e0dd) na
            (0028,0009) AT (0018,1063)
            """);
        using var file = DicomFile.Open(path);
        var ours = JsonDocument.Parse(DicomJsonWriter.ToJson(file.Dataset)).RootElement;
        var theirs = JsonDocument.Parse(Peer.RunChecked("dcm2json", path)).RootElement;
        var keys = theirs.EnumerateObject().Select(p => p.Name).Where(k => k != "7FE00010").ToList();
        Assert.Equal(keys, ours.EnumerateObject().Select(p => p.Name).Where(k => k != "7FE00010"));
        foreach (var key in keys)
        {
            AssertJsonEqual(theirs.GetProperty(key), ours.GetProperty(key), key);
        }
    }

    private static void AssertJsonEqual(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} vs {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), actual.EnumerateObject().Select(p => p.Name).Order());
                foreach (var p in expected.EnumerateObject())
                {
                    AssertJsonEqual(p.Value, actual.GetProperty(p.Name), path + "." + p.Name);
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    AssertJsonEqual(expected[i], actual[i], $"{path}[{i}]");
                }

                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.GetDouble(), actual.GetDouble(), 9);
                break;
            default:
                Assert.Equal(expected.ToString(), actual.ToString());
                break;
        }
    }
}
