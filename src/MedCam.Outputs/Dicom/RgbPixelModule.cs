using MedCam.Dicom;

namespace MedCam.Outputs.Dicom;

/// <summary>Image Pixel module (PS3.3 C.7.6.3) of an 8-bit RGB image, interleaved, uncompressed.</summary>
internal static class RgbPixelModule
{
    public static void Add(DicomDataset ds, int rows, int columns, ReadOnlyMemory<byte> pixels)
    {
        ds.AddOrUpdate<int>(DicomTags.SamplesPerPixel, 3);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "RGB");
        ds.AddOrUpdate<int>(DicomTags.PlanarConfiguration, 0);
        ds.AddOrUpdate<int>(DicomTags.Rows, rows);
        ds.AddOrUpdate<int>(DicomTags.Columns, columns);
        ds.AddOrUpdate<int>(DicomTags.BitsAllocated, 8);
        ds.AddOrUpdate<int>(DicomTags.BitsStored, 8);
        ds.AddOrUpdate<int>(DicomTags.HighBit, 7);
        ds.AddOrUpdate<int>(DicomTags.PixelRepresentation, 0);
        ds.AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, pixels)); // odd lengths padded to even
    }

    /// <summary>SC Equipment module (C.8.6.1): MedCam converted the image on a workstation.</summary>
    public static void AddScEquipment(DicomDataset ds, DerivedObjectOptions options)
    {
        ds.AddOrUpdate(DicomTags.ConversionType, "WSD");
        ds.AddOrUpdate(DicomTags.SecondaryCaptureDeviceManufacturer, options.SoftwareName);
        ds.AddOrUpdate(DicomTags.SecondaryCaptureDeviceManufacturerModelName, options.SoftwareName);
        ds.AddOrUpdate(DicomTags.SecondaryCaptureDeviceSoftwareVersions, options.SoftwareVersion);
    }
}
