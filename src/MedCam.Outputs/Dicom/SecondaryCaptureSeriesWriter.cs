using MedCam.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Dicom;

/// <summary>
/// Writes one single-frame Secondary Capture (PS3.3 A.8.1) per source frame: the heatmap burned over the source,
/// referencing that frame's source instance, in a new series of the source study.
/// </summary>
public static class SecondaryCaptureSeriesWriter
{
    public static IReadOnlyList<WrittenInstance> Write(SourceImageSet source, CamMap cam, ExplanationDescription explanation, string outputDirectory,
        RenderSettings? settings = null, DerivedObjectOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        explanation.Validate();
        settings ??= RenderSettings.Default;
        var factory = new DerivedDatasetFactory(source, explanation, options ?? DerivedObjectOptions.Default);
        var frames = new OverlayFrames(source, cam, explanation, settings);
        Directory.CreateDirectory(outputDirectory);
        const DerivedObjectKind kind = DerivedObjectKind.SecondaryCaptureSeries;
        var seriesUid = factory.Uids.Series(kind, settings.Key);
        var description = factory.SeriesDescription("SC");
        var modality = factory.DerivedModality;
        var written = new WrittenInstance[source.FrameCount];
        Parallel.For(0, source.FrameCount, k =>
        {
            var reference = source.FrameReferences[k];
            var sop = factory.Uids.Instance(kind, settings.Key, k);
            var ds = factory.Create(DicomUids.SecondaryCaptureImageStorage, seriesUid, sop, k + 1, 0, description, modality);
            var header = source.Headers[source.Kind == SourceKind.MultiFrame ? 0 : k];
            ds.AddOrUpdate(DicomTags.ImageType, "DERIVED", "SECONDARY");
            ds.AddOrUpdate(DicomTags.PatientOrientation, DerivedDatasetFactory.PatientOrientation(header));
            ds.AddOrUpdate(DicomTags.SourceImageSequence, DerivedDatasetFactory.SourceImageItem(reference));
            ds.AddOrUpdate(DicomTags.ReferencedSeriesSequence, factory.ReferencedSeries([reference]));
            ds.AddOrUpdate(DicomTags.BurnedInAnnotation, "YES");
            RgbPixelModule.AddScEquipment(ds, factory.Options);
            ds.AddOrUpdate(DicomTags.DateOfSecondaryCapture, factory.Date);
            ds.AddOrUpdate(DicomTags.TimeOfSecondaryCapture, factory.Time);
            if (settings.KeepsSourceGrid(source.Columns, source.Rows))
            {
                // The SC keeps the source grid, so distances measured on it are real (SC Image module, C.8.6.2).
                DerivedDatasetFactory.Copy(header, ds, DicomTags.PixelSpacing, required: false);
            }

            RgbPixelModule.Add(ds, frames.Height, frames.Width, frames.Render(k));
            DerivedDatasetFactory.SetCharacterSet(ds);
            var path = Path.Combine(outputDirectory, $"SC_{k + 1:D4}.dcm");
            DicomFile.Create(ds).Save(path);
            written[k] = new WrittenInstance(path, kind, source.StudyInstanceUid, seriesUid, sop, DicomUids.SecondaryCaptureImageStorage.Value,
                frames.Height, frames.Width, 1);
        });
        return written;
    }
}
