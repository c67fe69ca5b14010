using System.Globalization;

namespace MedCam.Dicom.Benchmarks;

/// <summary>Writes a synthetic CT series (signed 12-bit in 16, rescale to HU) as Part 10 explicit VR LE files.</summary>
internal static class CtSeriesGenerator
{
    public static void Write(string directory, int slices, int size)
    {
        Directory.CreateDirectory(directory);
        var study = DicomUid.FromName("bench-study");
        var series = DicomUid.FromName("bench-series");
        var frame = DicomUid.FromName("bench-for");
        var random = new Random(42);
        var pixels = new short[size * size];
        var bytes = new byte[pixels.Length * 2];
        for (var k = 0; k < slices; k++)
        {
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (short)random.Next(-1024, 2048);
            }

            Buffer.BlockCopy(pixels, 0, bytes, 0, bytes.Length);
            var ds = new DicomDataset()
                .AddOrUpdate(DicomTags.SOPClassUID, DicomUids.CTImageStorage)
                .AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.FromName("bench", k.ToString(CultureInfo.InvariantCulture)))
                .AddOrUpdate(DicomTags.Modality, "CT")
                .AddOrUpdate(DicomTags.PatientName, "Bench^Series")
                .AddOrUpdate(DicomTags.StudyInstanceUID, study)
                .AddOrUpdate(DicomTags.SeriesInstanceUID, series)
                .AddOrUpdate(DicomTags.FrameOfReferenceUID, frame)
                .AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, (k + 1).ToString(CultureInfo.InvariantCulture))
                .AddOrUpdate<double>(DicomTags.ImagePositionPatient, -250, -250, -300 + (k * 1.25))
                .AddOrUpdate<double>(DicomTags.ImageOrientationPatient, 1, 0, 0, 0, 1, 0)
                .AddOrUpdate<double>(DicomTags.PixelSpacing, 0.9765625, 0.9765625)
                .AddOrUpdate<double>(DicomTags.SliceThickness, 1.25)
                .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, 1)
                .AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2")
                .AddOrUpdate<ushort>(DicomTags.Rows, (ushort)size)
                .AddOrUpdate<ushort>(DicomTags.Columns, (ushort)size)
                .AddOrUpdate<ushort>(DicomTags.BitsAllocated, 16)
                .AddOrUpdate<ushort>(DicomTags.BitsStored, 12)
                .AddOrUpdate<ushort>(DicomTags.HighBit, 11)
                .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, 1)
                .AddOrUpdate<double>(DicomTags.RescaleIntercept, -1024)
                .AddOrUpdate<double>(DicomTags.RescaleSlope, 1)
                .AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OW, (byte[])bytes.Clone()));
            DicomFile.Create(ds).Save(Path.Combine(directory, $"slice{k:D4}.dcm"));
        }
    }
}
