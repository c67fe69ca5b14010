namespace MedCam.Dicom.IO;

/// <summary>Writes Part 10: 128-byte preamble, "DICM", the meta group (explicit VR LE, PS3.10 7.1) and the data set.</summary>
internal static class DicomFileWriter
{
    public static void Write(Stream stream, DicomFile file, DicomTransferSyntax transferSyntax)
    {
        var dataset = file.Dataset;
        if (!transferSyntax.Equals(file.TransferSyntax))
        {
            dataset = DicomTranscoder.Transcode(dataset, file.TransferSyntax, transferSyntax);
        }
        else if (dataset.TryGetItem(DicomTags.PixelData, out var pixels) && (pixels is DicomFragmentSequence) != transferSyntax.IsEncapsulated)
        {
            throw new DicomException($"Pixel data encoding does not match transfer syntax {transferSyntax.Name}.");
        }

        var meta = BuildMeta(file.FileMetaInformation, dataset, transferSyntax);
        var buffered = stream is BufferedStream or MemoryStream ? stream : new BufferedStream(stream, 1 << 16);
        buffered.Write(new byte[128]);
        buffered.Write("DICM"u8);
        new DicomStreamWriter(buffered, explicitVR: true, bigEndian: false).WriteDataset(meta);
        DicomDatasetWriter.Write(buffered, dataset, transferSyntax);
        buffered.Flush();
    }

    /// <summary>The meta group for a data set: existing optional elements kept, the required ones regenerated.</summary>
    public static DicomDataset BuildMeta(DicomDataset existing, DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        var meta = new DicomDataset(existing.Where(i => i.Tag.Group == 0x0002 && !i.Tag.IsGroupLength));
        meta.AddOrUpdate(new DicomElement(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0x00, 0x01 }));
        meta.AddOrUpdate(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, dataset.GetOrDefault(DicomTags.SOPClassUID, string.Empty));
        meta.AddOrUpdate(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, dataset.GetOrDefault(DicomTags.SOPInstanceUID, string.Empty));
        meta.AddOrUpdate(DicomTags.TransferSyntaxUID, DicomVR.UI, transferSyntax.Uid.Value);
        meta.AddOrUpdate(DicomTags.ImplementationClassUID, DicomVR.UI, DicomUids.MedCamImplementationClass.Value);
        meta.AddOrUpdate(DicomTags.ImplementationVersionName, DicomVR.SH, DicomUids.MedCamImplementationVersionName);
        return meta;
    }
}
