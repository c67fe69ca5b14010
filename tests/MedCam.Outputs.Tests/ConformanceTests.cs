using MedCam.Outputs.Tests.Infrastructure;

namespace MedCam.Outputs.Tests;

/// <summary>Every derived object validated by dicom3tools' dciodvfy (PS3.3 IOD rules) and rendered by dcmtk.</summary>
[Collection("outputs")]
public sealed class ConformanceTests(OutputsFixture fixture)
{
    [Theory]
    [MemberData(nameof(OutputsFixture.Variants), MemberType = typeof(OutputsFixture))]
    public void Dciodvfy_EveryOutputVariant_PrintsNoErrorLines(string variant)
    {
        foreach (var instance in fixture.Variant(variant))
        {
            var (_, output) = Tool.Run("dciodvfy", instance.Path);
            var lines = output.Split('\n');
            var errors = lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, $"{variant} {Path.GetFileName(instance.Path)}:\n{output}");

            // The only attribute outside this dicom3tools release's IODs may be IHE AIR's Device UID in the
            // Contributing Equipment Sequence (a later addition to the standard); no Frame of Reference or IPP on SCs.
            var extensions = lines.Where(l => l.Contains("Attribute is not present in standard DICOM IOD", StringComparison.Ordinal)).ToList();
            Assert.All(extensions, l => Assert.Contains("(0x0018,0x1002) UI Device UID", l, StringComparison.Ordinal));
        }
    }
}
