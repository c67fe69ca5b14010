using System.Globalization;
using MedCam.Dicom;

namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>
/// Small CT studies written with MedCam's DICOM core: 32×32 slices with geometry, a known patient name, ID and birth
/// date that the log checks look for.
/// </summary>
internal static class TestStudies
{
    public const string PatientName = "QUIXBY^ZELDORA^MARISOL";
    public const string PatientId = "PIDZX77Q31";
    public const string BirthDate = "19430817";

    /// <summary>
    /// Patient values no log line may contain: the generated studies' name, ID and birth date, and those of the sample
    /// CT study (sample-data/covid-ct/covid-ct-s2026-0000; its birth date is empty).
    /// </summary>
    public static readonly string[] Phi = [PatientName, "QUIXBY", "ZELDORA", PatientId, BirthDate, "SYNTHETIC^PHANTOM", "covid-ct-s2026-0000"];

    public sealed record Study(string StudyInstanceUid, string SeriesInstanceUid, IReadOnlyList<string> Files);

    /// <summary>Writes slices [first, first+count) of a study (same UIDs for the same seed); returns its files.</summary>
    public static Study WriteCt(string folder, string seed, int count, int first = 0, int rows = 32, int columns = 32, string seriesDescription = "Chest CT test")
    {
        Directory.CreateDirectory(folder);
        var study = DicomUid.FromName("worker-test-study", seed).Value;
        var series = DicomUid.FromName("worker-test-series", seed).Value;
        var frame = DicomUid.FromName("worker-test-for", seed).Value;
        var files = new List<string>();
        for (var k = first; k < first + count; k++)
        {
            var ds = new DicomDataset();
            ds.AddOrUpdate(DicomTags.SOPClassUID, DicomUids.CTImageStorage);
            ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.FromName("worker-test-instance", seed, k.ToString(CultureInfo.InvariantCulture)).Value);
            ds.AddOrUpdate(DicomTags.StudyInstanceUID, study);
            ds.AddOrUpdate(DicomTags.SeriesInstanceUID, series);
            ds.AddOrUpdate(DicomTags.FrameOfReferenceUID, frame);
            ds.AddOrUpdate(DicomTags.PatientName, PatientName);
            ds.AddOrUpdate(DicomTags.PatientID, PatientId);
            ds.AddOrUpdate(DicomTags.PatientBirthDate, BirthDate);
            ds.AddOrUpdate(DicomTags.PatientSex, "F");
            ds.AddOrUpdate(DicomTags.StudyDate, "20240102");
            ds.AddOrUpdate(DicomTags.StudyTime, "101500");
            ds.AddOrUpdate(DicomTags.StudyID, "1");
            ds.AddOrUpdate(DicomTags.AccessionNumber, "ACC" + seed.GetHashCode(StringComparison.Ordinal).ToString("X8", CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.ReferringPhysicianName, string.Empty);
            ds.AddOrUpdate(DicomTags.Modality, "CT");
            ds.AddOrUpdate(DicomTags.Manufacturer, "MedCam tests");
            ds.AddOrUpdate(DicomTags.SeriesNumber, "2");
            ds.AddOrUpdate(DicomTags.SeriesDescription, seriesDescription);
            ds.AddOrUpdate(DicomTags.BodyPartExamined, "CHEST");
            ds.AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
            ds.AddOrUpdate(DicomTags.InstanceNumber, (k + 1).ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.ImagePositionPatient, -80.0, -80.0, 5.0 * k);
            ds.AddOrUpdate(DicomTags.ImageOrientationPatient, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0);
            ds.AddOrUpdate(DicomTags.SliceThickness, 5.0);
            ds.AddOrUpdate(DicomTags.PixelSpacing, 5.0, 5.0);
            ds.AddOrUpdate(DicomTags.SamplesPerPixel, (ushort)1);
            ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2");
            ds.AddOrUpdate(DicomTags.Rows, (ushort)rows);
            ds.AddOrUpdate(DicomTags.Columns, (ushort)columns);
            ds.AddOrUpdate(DicomTags.BitsAllocated, (ushort)16);
            ds.AddOrUpdate(DicomTags.BitsStored, (ushort)12);
            ds.AddOrUpdate(DicomTags.HighBit, (ushort)11);
            ds.AddOrUpdate(DicomTags.PixelRepresentation, (ushort)0);
            ds.AddOrUpdate(DicomTags.RescaleIntercept, -1024.0);
            ds.AddOrUpdate(DicomTags.RescaleSlope, 1.0);
            ds.AddOrUpdate(DicomTags.WindowCenter, -600.0);
            ds.AddOrUpdate(DicomTags.WindowWidth, 1500.0);
            var pixels = new ushort[rows * columns];
            for (var y = 0; y < rows; y++)
            {
                for (var x = 0; x < columns; x++)
                {
                    var r = Math.Sqrt(((x - (columns / 2.0)) * (x - (columns / 2.0))) + ((y - (rows / 2.0)) * (y - (rows / 2.0))));
                    pixels[(y * columns) + x] = (ushort)(r < rows / 3.0 ? 200 + (k * 10) : 1024 + 40);
                }
            }

            ds.AddOrUpdate(DicomElement.FromArray(DicomTags.PixelData, DicomVR.OW, (ReadOnlySpan<ushort>)pixels));
            var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"CT{k + 1:D4}.dcm"));
            using (var file = DicomFile.Create(ds))
            {
                file.Save(path, DicomTransferSyntax.ExplicitVRLittleEndian);
            }

            files.Add(path);
        }

        return new Study(study, series, files);
    }
}
