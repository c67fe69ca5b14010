using MedCam.Dicom;
using MedCam.Imaging.Rendering;

namespace MedCam.Outputs.Tests.Infrastructure;

/// <summary>
/// Small source objects written with MedCam's DICOM core: a CT series (signed HU, IPP/IOP/spacing), an ultrasound
/// cine (multi-frame, frame time, lossy flag), a histology RGB tile (non-ASCII patient name in UTF-8).
/// </summary>
internal static class TestSources
{
    public const int Size = 128;
    public const int CtSlices = 8;
    public const int UsFrames = 6;
    public const double UsFrameTime = 33.3;

    public const int Zoom = 2;

    /// <summary>Overlay options with the writers' two lines left and right (model + method, target + detail).</summary>
    private static readonly OverlayOptions Annotated = new()
    {
        Placement = AnnotationPlacement.Auto,
        Annotations = new OverlayAnnotations { ModelName = "m", Method = "Grad-CAM", TargetClass = "c", Probability = 0.5, Detail = "slice 1/8" },
    };

    /// <summary>
    /// Rendered frames of the 128-pixel sources under the default placement (Auto): magnified twice and given text
    /// bands, so no text covers the image. <see cref="ImageTop"/> is the first row that shows source row 0.
    /// </summary>
    public static (int Width, int Height) Rendered { get; } = OverlayRenderer.OutputSize(Size, Size, Annotated);

    public static int ImageTop { get; } = OverlayRenderer.Render(SourceFrame.Gray8(new byte[Size * Size], Size, Size), new float[Size * Size], Annotated).ImageTop;

    public static string StudyUid(string name) => DicomUid.FromName("medcam-test-study", name).Value;

    /// <summary>Writes the CT series into <paramref name="directory"/> in shuffled file order; returns SOP instance UIDs by slice (inferior to superior).</summary>
    public static string[] WriteCtSeries(string directory, string name = "ct")
    {
        Directory.CreateDirectory(directory);
        var series = DicomUid.FromName("medcam-test-series", name).Value;
        var frame = DicomUid.FromName("medcam-test-for", name).Value;
        var uids = new string[CtSlices];
        for (var k = 0; k < CtSlices; k++)
        {
            var ds = Common(name, "CT", DicomUids.CTImageStorage.Value, $"{name}-{k}", k + 1);
            uids[k] = ds.GetString(DicomTags.SOPInstanceUID);
            ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
            ds.AddOrUpdate(DicomTags.FrameOfReferenceUID, DicomVR.UI, frame);
            ds.AddOrUpdate(DicomTags.PositionReferenceIndicator, "");
            ds.AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
            ds.AddOrUpdate(DicomTags.ImagePositionPatient, -80.0, -80.0, -100.0 + (2.5 * k));
            ds.AddOrUpdate(DicomTags.ImageOrientationPatient, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0);
            ds.AddOrUpdate(DicomTags.PixelSpacing, 1.25, 1.25);
            ds.AddOrUpdate(DicomTags.SliceThickness, 2.5);
            ds.AddOrUpdate(DicomTags.SliceLocation, -100.0 + (2.5 * k));
            ds.AddOrUpdate(DicomTags.KVP, 120);
            ds.AddOrUpdate(DicomTags.AcquisitionNumber, 1);
            ds.AddOrUpdate(DicomTags.PatientPosition, "HFS");
            ds.AddOrUpdate(DicomTags.BodyPartExamined, "CHEST");
            ds.AddOrUpdate(DicomTags.RescaleIntercept, 0);
            ds.AddOrUpdate(DicomTags.RescaleSlope, 1);
            ds.AddOrUpdate(DicomTags.RescaleType, "HU");
            ds.AddOrUpdate(DicomTags.WindowCenter, -600);
            ds.AddOrUpdate(DicomTags.WindowWidth, 1500);
            Grey(ds, 16, signed: true, "MONOCHROME2");
            ds.AddOrUpdate(DicomElement.FromArray<short>(DicomTags.PixelData, DicomVR.OW, ChestSlice(k)));
            // Reverse file names so file order is not slice order.
            DicomFile.Create(ds).Save(Path.Combine(directory, $"IM{CtSlices - k:D3}.dcm"));
        }

        return uids;
    }

    public static string WriteUltrasoundCine(string path, string name = "us")
    {
        var ds = Common(name, "US", DicomUids.UltrasoundMultiFrameImageStorage.Value, name + "-cine", 1);
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, DicomUid.FromName("medcam-test-series", name).Value);
        ds.AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "", "0001");
        ds.AddOrUpdate(DicomTags.BodyPartExamined, "CHEST");
        ds.AddOrUpdate(DicomTags.LossyImageCompression, "01");
        ds.AddOrUpdate(DicomTags.LossyImageCompressionRatio, 8.0);
        ds.AddOrUpdate(DicomTags.LossyImageCompressionMethod, "ISO_10918_1");
        ds.AddOrUpdate<int>(DicomTags.NumberOfFrames, UsFrames);
        ds.AddOrUpdate(DicomElement.FromTags(DicomTags.FrameIncrementPointer, DicomTags.FrameTime));
        ds.AddOrUpdate(DicomTags.FrameTime, UsFrameTime);
        Grey(ds, 8, signed: false, "MONOCHROME2");
        var pixels = new byte[UsFrames * Size * Size];
        for (var f = 0; f < UsFrames; f++)
        {
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    // A bright pleural line that moves a little per frame, over speckle-like texture.
                    var line = Math.Abs(y - (40 + f)) < 2 ? 200 : 0;
                    pixels[(f * Size * Size) + (y * Size) + x] = (byte)Math.Min(255, line + 40 + (((x * 7) + (y * 13) + (f * 5)) % 37));
                }
            }
        }

        ds.AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, pixels));
        DicomFile.Create(ds).Save(path);
        return ds.GetString(DicomTags.SOPInstanceUID);
    }

    public static string WriteHistology(string path, string name = "histo")
    {
        var ds = Common(name, "SM", DicomUids.VLMicroscopicImageStorage.Value, name + "-tile", 1);
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, "ISO_IR 192");
        ds.AddOrUpdate(DicomTags.PatientName, "Müller^Zoë");
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, DicomUid.FromName("medcam-test-series", name).Value);
        ds.AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY");
        ds.AddOrUpdate<int>(DicomTags.SamplesPerPixel, 3);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "RGB");
        ds.AddOrUpdate<int>(DicomTags.PlanarConfiguration, 0);
        ds.AddOrUpdate<int>(DicomTags.Rows, Size);
        ds.AddOrUpdate<int>(DicomTags.Columns, Size);
        ds.AddOrUpdate<int>(DicomTags.BitsAllocated, 8);
        ds.AddOrUpdate<int>(DicomTags.BitsStored, 8);
        ds.AddOrUpdate<int>(DicomTags.HighBit, 7);
        ds.AddOrUpdate<int>(DicomTags.PixelRepresentation, 0);
        var rgb = new byte[Size * Size * 3];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var nucleus = ((x % 16) - 8) * ((x % 16) - 8) + ((y % 16) - 8) * ((y % 16) - 8) < 12;
                var i = ((y * Size) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = nucleus ? ((byte)70, (byte)40, (byte)140) : ((byte)235, (byte)170, (byte)200);
            }
        }

        ds.AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, rgb));
        DicomFile.Create(ds).Save(path);
        return ds.GetString(DicomTags.SOPInstanceUID);
    }

    /// <summary>A smooth blob in [0, 1] centred at (0.6, 0.4) of each frame, strongest in the middle frames.</summary>
    public static CamMap Cam(int frames, float scale = 1f)
    {
        var values = new float[frames * Size * Size];
        for (var f = 0; f < frames; f++)
        {
            var weight = 1 - (Math.Abs(f - ((frames - 1) / 2.0)) / frames);
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    var dx = (x - (0.6 * Size)) / (0.15 * Size);
                    var dy = (y - (0.4 * Size)) / (0.15 * Size);
                    values[(f * Size * Size) + (y * Size) + x] = scale * (float)(weight * Math.Exp(-0.5 * ((dx * dx) + (dy * dy))));
                }
            }
        }

        return new CamMap(values, frames, Size, Size);
    }

    private static DicomDataset Common(string name, string modality, string sopClass, string instanceKey, int instanceNumber)
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, sopClass);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.FromName("medcam-test-instance", instanceKey).Value);
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, StudyUid(name));
        ds.AddOrUpdate(DicomTags.PatientName, "Test^" + name);
        ds.AddOrUpdate(DicomTags.PatientID, "MC-" + name.ToUpperInvariant());
        ds.AddOrUpdate(DicomTags.PatientBirthDate, "19600101");
        ds.AddOrUpdate(DicomTags.PatientSex, "O");
        ds.AddOrUpdate(DicomTags.StudyDate, "20260102");
        ds.AddOrUpdate(DicomTags.StudyTime, "101500");
        ds.AddOrUpdate(DicomTags.ReferringPhysicianName, "");
        ds.AddOrUpdate(DicomTags.StudyID, "S1");
        ds.AddOrUpdate(DicomTags.AccessionNumber, "A" + name.Length);
        ds.AddOrUpdate(DicomTags.Modality, modality);
        ds.AddOrUpdate(DicomTags.SeriesNumber, 1);
        ds.AddOrUpdate(DicomTags.InstanceNumber, instanceNumber);
        ds.AddOrUpdate(DicomTags.Manufacturer, "Phantom");
        ds.AddOrUpdate(DicomTags.PatientOrientation, "");
        ds.AddOrUpdate(DicomTags.ContentDate, "20260102");
        ds.AddOrUpdate(DicomTags.ContentTime, "101500");
        return ds;
    }

    private static void Grey(DicomDataset ds, int bits, bool signed, string photometric)
    {
        ds.AddOrUpdate<int>(DicomTags.SamplesPerPixel, 1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, photometric);
        ds.AddOrUpdate<int>(DicomTags.Rows, Size);
        ds.AddOrUpdate<int>(DicomTags.Columns, Size);
        ds.AddOrUpdate<int>(DicomTags.BitsAllocated, bits);
        ds.AddOrUpdate<int>(DicomTags.BitsStored, bits);
        ds.AddOrUpdate<int>(DicomTags.HighBit, bits - 1);
        ds.AddOrUpdate<int>(DicomTags.PixelRepresentation, signed ? 1 : 0);
    }

    private static short[] ChestSlice(int k)
    {
        var hu = new short[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var bx = (x - 64.0) / 56;
                var by = (y - 64.0) / 44;
                short v = -1000;
                if ((bx * bx) + (by * by) < 1)
                {
                    v = 40; // soft tissue
                    var lx = (Math.Abs(x - 64.0) - 24) / 16;
                    var ly = (y - 60.0) / 28;
                    if ((lx * lx) + (ly * ly) < 1)
                    {
                        v = (short)(-850 + (k * 10)); // lungs
                    }
                }

                hu[(y * Size) + x] = v;
            }
        }

        return hu;
    }
}
