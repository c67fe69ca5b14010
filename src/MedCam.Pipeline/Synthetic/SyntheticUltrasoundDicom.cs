using System.Globalization;
using MedCam.Dicom;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// A lung ultrasound cine as one Ultrasound Multi-frame Image (PS3.3 A.7): Cine module with Frame Time (0018,1063)
/// as the Frame Increment Pointer (0028,0009), and a Sequence of Ultrasound Regions calibrating pixels in cm.
/// </summary>
internal static class SyntheticUltrasoundDicom
{
    public static IEnumerable<(string Name, DicomFile File)> Build(LungUltrasoundCine v, SyntheticDicomContext context)
    {
        var ds = context.Common(DicomUids.UltrasoundMultiFrameImageStorage, context.Uid("us-cine"), "US", "Lung ultrasound cine (synthetic)", 3);
        ds.AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "ABDOMINAL");
        ds.AddOrUpdate(DicomTags.BodyPartExamined, "CHEST");
        ds.AddOrUpdate(DicomTags.InstanceNumber, "1");
        ds.AddOrUpdate(DicomTags.PatientOrientation, string.Empty);
        ds.AddOrUpdate(DicomTags.FrameTime, v.FrameTimeMs);
        ds.AddOrUpdate(DicomTags.CineRate, (int)Math.Round(1000 / v.FrameTimeMs));
        ds.AddOrUpdate(DicomTags.RecommendedDisplayFrameRate, (int)Math.Round(1000 / v.FrameTimeMs));
        ds.AddOrUpdate(DicomTags.NumberOfFrames, v.Frames.ToString(CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomElement.FromTags(DicomTags.FrameIncrementPointer, DicomTags.FrameTime));
        ds.AddOrUpdate(DicomTags.SamplesPerPixel, (ushort)1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.AddOrUpdate(DicomTags.Rows, (ushort)v.Rows);
        ds.AddOrUpdate(DicomTags.Columns, (ushort)v.Columns);
        ds.AddOrUpdate(DicomTags.BitsAllocated, (ushort)8);
        ds.AddOrUpdate(DicomTags.BitsStored, (ushort)8);
        ds.AddOrUpdate(DicomTags.HighBit, (ushort)7);
        ds.AddOrUpdate(DicomTags.PixelRepresentation, (ushort)0);
        ds.AddOrUpdate(DicomTags.LossyImageCompression, "00");

        // PS3.3 C.8.5.5: one 2D tissue region covering the frame; physical deltas in cm per pixel.
        var region = new DicomDataset();
        region.AddOrUpdate(DicomTags.RegionSpatialFormat, (ushort)1);
        region.AddOrUpdate(DicomTags.RegionDataType, (ushort)1);
        region.AddOrUpdate(DicomTags.RegionFlags, 0u);
        region.AddOrUpdate(DicomTags.RegionLocationMinX0, 0u);
        region.AddOrUpdate(DicomTags.RegionLocationMinY0, 0u);
        region.AddOrUpdate(DicomTags.RegionLocationMaxX1, (uint)(v.Columns - 1));
        region.AddOrUpdate(DicomTags.RegionLocationMaxY1, (uint)(v.Rows - 1));
        region.AddOrUpdate(DicomTags.PhysicalUnitsXDirection, (ushort)3);
        region.AddOrUpdate(DicomTags.PhysicalUnitsYDirection, (ushort)3);
        region.AddOrUpdate(DicomTags.PhysicalDeltaX, v.PixelSpacingMm[1] / 10);
        region.AddOrUpdate(DicomTags.PhysicalDeltaY, v.PixelSpacingMm[0] / 10);
        ds.AddOrUpdate(DicomTags.SequenceOfUltrasoundRegions, region);

        ds.AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, v.Pixels));
        yield return ("US0001.dcm", DicomFile.Create(ds));
    }
}
