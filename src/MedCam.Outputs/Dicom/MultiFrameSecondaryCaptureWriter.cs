using MedCam.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Dicom;

/// <summary>
/// Writes one Multi-frame True Color Secondary Capture (PS3.3 A.8.5.4): every source frame with its heatmap, Frame
/// Increment Pointer -> Frame Time. Ultrasound keeps the source's frame time and Modality US so viewers play it as
/// cine; a CT stack gets one frame per slice in volume order.
/// </summary>
public static class MultiFrameSecondaryCaptureWriter
{
    public static WrittenInstance Write(SourceImageSet source, CamMap cam, ExplanationDescription explanation, string path,
        RenderSettings? settings = null, DerivedObjectOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        explanation.Validate();
        settings ??= RenderSettings.Default;
        options ??= DerivedObjectOptions.Default;
        var factory = new DerivedDatasetFactory(source, explanation, options);
        var frames = new OverlayFrames(source, cam, explanation, settings);
        const DerivedObjectKind kind = DerivedObjectKind.MultiFrameSecondaryCapture;
        var seriesUid = factory.Uids.Series(kind, settings.Key);
        var sop = factory.Uids.Instance(kind, settings.Key, 0);
        var sopClass = DicomUids.MultiFrameTrueColorSecondaryCaptureImageStorage;
        var ds = factory.Create(sopClass, seriesUid, sop, 1, 1, factory.SeriesDescription("cine"), factory.DerivedModality);
        ds.AddOrUpdate(DicomTags.ImageType, "DERIVED", "SECONDARY");
        ds.AddOrUpdate(DicomTags.PatientOrientation, DerivedDatasetFactory.PatientOrientation(source.Header));
        ds.AddOrUpdate(DicomTags.SourceImageSequence, DerivedDatasetFactory.SourceImageItems(source.FrameReferences));
        ds.AddOrUpdate(DicomTags.ReferencedSeriesSequence, factory.ReferencedSeries(source.FrameReferences));
        RgbPixelModule.AddScEquipment(ds, options);
        ds.AddOrUpdate(DicomTags.DateOfSecondaryCapture, factory.Date);
        ds.AddOrUpdate(DicomTags.TimeOfSecondaryCapture, factory.Time);
        ds.AddOrUpdate(DicomTags.BurnedInAnnotation, "YES"); // type 1 in SC Multi-frame Image (C.8.6.3)

        // Multi-frame (C.7.6.6) and Cine (C.7.6.5) modules.
        var frameTime = source.Kind == SourceKind.MultiFrame ? source.FrameTimeMilliseconds ?? options.StackFrameTimeMilliseconds : options.StackFrameTimeMilliseconds;
        ds.AddOrUpdate<int>(DicomTags.NumberOfFrames, source.FrameCount);
        ds.AddOrUpdate(DicomElement.FromTags(DicomTags.FrameIncrementPointer, DicomTags.FrameTime));
        ds.AddOrUpdate(DicomTags.FrameTime, frameTime);
        var rate = (int)Math.Max(1, Math.Round(1000.0 / frameTime));
        ds.AddOrUpdate(DicomTags.CineRate, rate);
        ds.AddOrUpdate(DicomTags.RecommendedDisplayFrameRate, rate);
        if (source.Kind == SourceKind.MultiFrame)
        {
            DerivedDatasetFactory.Copy(source.Header, ds, DicomTags.RecommendedDisplayFrameRate, required: false);
            DerivedDatasetFactory.Copy(source.Header, ds, DicomTags.CineRate, required: false);
        }

        if (settings.KeepsSourceGrid(source.Columns, source.Rows))
        {
            DerivedDatasetFactory.Copy(source.Header, ds, DicomTags.PixelSpacing, required: false);
        }

        RgbPixelModule.Add(ds, frames.Height, frames.Width, frames.RenderAll());
        DerivedDatasetFactory.SetCharacterSet(ds);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        DicomFile.Create(ds).Save(path);
        return new WrittenInstance(path, kind, source.StudyInstanceUid, seriesUid, sop, sopClass.Value, frames.Height, frames.Width, source.FrameCount);
    }
}
