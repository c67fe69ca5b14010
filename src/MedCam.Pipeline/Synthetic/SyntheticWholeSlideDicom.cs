using System.Globalization;
using MedCam.Dicom;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// A histology slide as VL Whole Slide Microscopy Image instances (PS3.3 A.32.8), one per pyramid level, each
/// TILED_FULL (PS3.3 C.8.12.4.1.2: frames are the tiles in row-major order, no per-frame functional groups), in one
/// series sharing a frame of reference; RGB 8-bit uncompressed with an sRGB ICC profile.
/// </summary>
internal static class SyntheticWholeSlideDicom
{
    public static IEnumerable<(string Name, DicomFile File)> Build(HistologySlide slide, SyntheticDicomContext context)
    {
        var icc = SrgbIccProfile.Create();
        for (var l = 0; l < slide.Levels.Count; l++)
        {
            var level = slide.Levels[l];
            var tile = slide.TileSize;
            int across = level.TilesAcross(tile), down = level.TilesDown(tile);
            var ds = context.Common(DicomUids.VLWholeSlideMicroscopyImageStorage, context.Uid("wsi-level", l), "SM", "Bladder H&E (synthetic)", 4);
            string[] imageType = l == 0 ? ["ORIGINAL", "PRIMARY", "VOLUME", "NONE"] : ["DERIVED", "PRIMARY", "VOLUME", "RESAMPLED"];
            ds.AddOrUpdate(DicomTags.ImageType, imageType);
            ds.AddOrUpdate(DicomTags.InstanceNumber, (l + 1).ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.AcquisitionDateTime, context.StudyDate + SyntheticDicomContext.StudyTime);
            ds.AddOrUpdate(DicomTags.FrameOfReferenceUID, context.Uid("frame-of-reference"));
            ds.AddOrUpdate(DicomTags.PositionReferenceIndicator, "SLIDE_CORNER");
            ds.AddOrUpdate(DicomTags.DimensionOrganizationType, "TILED_FULL");
            ds.AddOrUpdate(DicomTags.NumberOfFrames, (across * down).ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.Rows, (ushort)tile);
            ds.AddOrUpdate(DicomTags.Columns, (ushort)tile);
            ds.AddOrUpdate(DicomTags.SamplesPerPixel, (ushort)3);
            ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "RGB");
            ds.AddOrUpdate(DicomTags.PlanarConfiguration, (ushort)0);
            ds.AddOrUpdate(DicomTags.BitsAllocated, (ushort)8);
            ds.AddOrUpdate(DicomTags.BitsStored, (ushort)8);
            ds.AddOrUpdate(DicomTags.HighBit, (ushort)7);
            ds.AddOrUpdate(DicomTags.PixelRepresentation, (ushort)0);
            ds.AddOrUpdate(DicomTags.LossyImageCompression, "00");
            ds.AddOrUpdate(DicomTags.BurnedInAnnotation, "NO");
            ds.AddOrUpdate(DicomTags.SpecimenLabelInImage, "NO");
            ds.AddOrUpdate(DicomTags.FocusMethod, "AUTO");
            ds.AddOrUpdate(DicomTags.ExtendedDepthOfField, "NO");
            ds.AddOrUpdate(DicomTags.VolumetricProperties, "VOLUME");
            ds.AddOrUpdate(DicomTags.TotalPixelMatrixColumns, (uint)level.Width);
            ds.AddOrUpdate(DicomTags.TotalPixelMatrixRows, (uint)level.Height);
            ds.AddOrUpdate(DicomTags.TotalPixelMatrixFocalPlanes, (uint)1);
            ds.AddOrUpdate(DicomTags.ImagedVolumeWidth, (float)(level.Width * level.PixelSpacingMm));
            ds.AddOrUpdate(DicomTags.ImagedVolumeHeight, (float)(level.Height * level.PixelSpacingMm));
            ds.AddOrUpdate(DicomTags.ImagedVolumeDepth, 0.004f);
            // Slide coordinates (mm from the slide corner): rows run along -X... the usual label-left orientation.
            var origin = new DicomDataset();
            origin.AddOrUpdate(DicomTags.XOffsetInSlideCoordinateSystem, 20.0);
            origin.AddOrUpdate(DicomTags.YOffsetInSlideCoordinateSystem, 40.0);
            ds.AddOrUpdate(DicomTags.TotalPixelMatrixOriginSequence, origin);
            ds.AddOrUpdate(DicomTags.ImageOrientationSlide, 0.0, -1.0, 0.0, -1.0, 0.0, 0.0);

            AddSpecimen(ds, context);
            ds.AddOrUpdate(new DicomSequence(DicomTags.AcquisitionContextSequence));
            AddOpticalPath(ds, icc);
            AddFunctionalGroups(ds, context, level, imageType);

            var pixels = new byte[across * down * tile * tile * 3];
            for (var ty = 0; ty < down; ty++)
            {
                for (var tx = 0; tx < across; tx++)
                {
                    level.Tile(tile, tx, ty).CopyTo(pixels, (ty * across + tx) * tile * tile * 3);
                }
            }

            ds.AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, pixels));
            yield return (string.Create(CultureInfo.InvariantCulture, $"SM_level{l}.dcm"), DicomFile.Create(ds));
        }
    }

    private static void AddSpecimen(DicomDataset ds, SyntheticDicomContext context)
    {
        ds.AddOrUpdate(DicomTags.ContainerIdentifier, "SLIDE-" + context.CaseId);
        ds.AddOrUpdate(new DicomSequence(DicomTags.IssuerOfTheContainerIdentifierSequence));
        ds.AddOrUpdate(DicomTags.ContainerTypeCodeSequence, SyntheticDicomContext.Code("433466003", "SCT", "Microscope slide"));
        var specimen = new DicomDataset();
        specimen.AddOrUpdate(DicomTags.SpecimenIdentifier, "SPECIMEN-" + context.CaseId);
        specimen.AddOrUpdate(DicomTags.SpecimenUID, context.Uid("specimen"));
        specimen.AddOrUpdate(new DicomSequence(DicomTags.IssuerOfTheSpecimenIdentifierSequence));
        specimen.AddOrUpdate(new DicomSequence(DicomTags.SpecimenPreparationSequence));
        ds.AddOrUpdate(DicomTags.SpecimenDescriptionSequence, specimen);
    }

    private static void AddOpticalPath(DicomDataset ds, byte[] icc)
    {
        ds.AddOrUpdate(DicomTags.NumberOfOpticalPaths, (uint)1);
        var path = new DicomDataset();
        path.AddOrUpdate(DicomTags.IlluminationTypeCodeSequence, SyntheticDicomContext.Code("111744", "DCM", "Brightfield illumination"));
        path.AddOrUpdate(DicomTags.OpticalPathIdentifier, "1");
        path.AddOrUpdate(DicomTags.IlluminationColorCodeSequence, SyntheticDicomContext.Code("414298005", "SCT", "Full Spectrum"));
        path.AddOrUpdate(DicomElement.FromBytes(DicomTags.ICCProfile, DicomVR.OB, icc));
        ds.AddOrUpdate(DicomTags.OpticalPathSequence, path);
    }

    private static void AddFunctionalGroups(DicomDataset ds, SyntheticDicomContext context, HistologyLevel level, string[] imageType)
    {
        var measures = new DicomDataset();
        measures.AddOrUpdate(DicomTags.SliceThickness, 0.004);
        measures.AddOrUpdate(DicomTags.PixelSpacing, level.PixelSpacingMm, level.PixelSpacingMm);
        var frameType = new DicomDataset();
        frameType.AddOrUpdate(DicomTags.FrameType, imageType);
        var opticalPath = new DicomDataset();
        opticalPath.AddOrUpdate(DicomTags.OpticalPathIdentifier, "1");
        var shared = new DicomDataset();
        shared.AddOrUpdate(DicomTags.PixelMeasuresSequence, measures);
        shared.AddOrUpdate(DicomTags.OpticalPathIdentificationSequence, opticalPath);
        shared.AddOrUpdate(DicomTags.WholeSlideMicroscopyImageFrameTypeSequence, frameType);
        ds.AddOrUpdate(DicomTags.SharedFunctionalGroupsSequence, shared);

        var organisation = context.Uid("dimension-organisation");
        var dimensionOrganisation = new DicomDataset();
        dimensionOrganisation.AddOrUpdate(DicomTags.DimensionOrganizationUID, organisation);
        ds.AddOrUpdate(DicomTags.DimensionOrganizationSequence, dimensionOrganisation);
        var indices = new List<DicomDataset>();
        foreach (var pointer in new[] { DicomTags.ColumnPositionInTotalImagePixelMatrix, DicomTags.RowPositionInTotalImagePixelMatrix })
        {
            var index = new DicomDataset();
            index.AddOrUpdate(DicomElement.FromTags(DicomTags.DimensionIndexPointer, pointer));
            index.AddOrUpdate(DicomElement.FromTags(DicomTags.FunctionalGroupPointer, DicomTags.PlanePositionSlideSequence));
            index.AddOrUpdate(DicomTags.DimensionOrganizationUID, organisation);
            indices.Add(index);
        }

        ds.AddOrUpdate(DicomTags.DimensionIndexSequence, [.. indices]);
    }
}
