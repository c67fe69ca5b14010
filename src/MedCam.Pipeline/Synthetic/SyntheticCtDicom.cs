using System.Globalization;
using MedCam.Dicom;

namespace MedCam.Pipeline.Synthetic;

/// <summary>A chest CT phantom as a CT Image Storage series: one instance per axial slice (PS3.3 A.3).</summary>
internal static class SyntheticCtDicom
{
    public static IEnumerable<(string Name, DicomFile File)> Build(ChestCtVolume v, SyntheticDicomContext context)
    {
        var frame = v.Rows * v.Columns;
        for (var k = 0; k < v.Slices; k++)
        {
            var ds = context.Common(DicomUids.CTImageStorage, context.Uid("ct-image", k), "CT", "Chest CT 5 mm (synthetic)", 2);
            ds.AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
            ds.AddOrUpdate(DicomTags.BodyPartExamined, "CHEST");
            ds.AddOrUpdate(DicomTags.PatientPosition, "HFS");
            ds.AddOrUpdate(DicomTags.FrameOfReferenceUID, context.Uid("frame-of-reference"));
            ds.AddOrUpdate(DicomTags.PositionReferenceIndicator, string.Empty);
            ds.AddOrUpdate(DicomTags.KVP, 120.0);
            ds.AddOrUpdate(DicomTags.SliceThickness, v.SliceThicknessMm);
            ds.AddOrUpdate(DicomTags.AcquisitionNumber, "1");
            ds.AddOrUpdate(DicomTags.InstanceNumber, (k + 1).ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.ImagePositionPatient, v.PositionOfSlice(k));
            ds.AddOrUpdate(DicomTags.ImageOrientationPatient, v.Orientation);
            ds.AddOrUpdate(DicomTags.SliceLocation, v.PositionOfSlice(k)[2]);
            ds.AddOrUpdate(DicomTags.SamplesPerPixel, (ushort)1);
            ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2");
            ds.AddOrUpdate(DicomTags.Rows, (ushort)v.Rows);
            ds.AddOrUpdate(DicomTags.Columns, (ushort)v.Columns);
            ds.AddOrUpdate(DicomTags.PixelSpacing, v.PixelSpacingMm);
            ds.AddOrUpdate(DicomTags.BitsAllocated, (ushort)16);
            ds.AddOrUpdate(DicomTags.BitsStored, (ushort)12);
            ds.AddOrUpdate(DicomTags.HighBit, (ushort)11);
            ds.AddOrUpdate(DicomTags.PixelRepresentation, (ushort)0);
            ds.AddOrUpdate(DicomTags.WindowCenter, -600.0, 40.0);
            ds.AddOrUpdate(DicomTags.WindowWidth, 1500.0, 400.0);
            ds.AddOrUpdate(DicomTags.RescaleIntercept, -1024.0);
            ds.AddOrUpdate(DicomTags.RescaleSlope, 1.0);
            ds.AddOrUpdate(DicomTags.RescaleType, "HU");
            // Stored value = HU + 1024 in 12 bits (0..4095), the classic CT encoding.
            var stored = new ushort[frame];
            for (var i = 0; i < frame; i++)
            {
                stored[i] = (ushort)Math.Clamp(v.Hu[k * frame + i] + 1024, 0, 4095);
            }

            ds.AddOrUpdate(DicomElement.FromArray(DicomTags.PixelData, DicomVR.OW, (ReadOnlySpan<ushort>)stored));
            yield return (string.Create(CultureInfo.InvariantCulture, $"CT{k + 1:D4}.dcm"), DicomFile.Create(ds));
        }
    }
}
