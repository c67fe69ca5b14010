using System.Buffers.Binary;
using System.Text;

namespace MedCam.Dicom.Network.Files;

/// <summary>
/// The Part 10 file preamble and File Meta Information (PS3.10 7.1) written ahead of a dataset received over the
/// network, and the minimal reading of it needed to send a file in its own transfer syntax.
/// </summary>
public static class Part10Header
{
    private static readonly byte[] Magic = "DICM"u8.ToArray();

    /// <summary>
    /// Builds preamble + "DICM" + group 0002 in Explicit VR Little Endian, encoded by the DICOM core's data set
    /// writer (which computes (0002,0000)).
    /// </summary>
    public static byte[] Build(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string implementationClassUid, string? implementationVersionName, string? sourceAeTitle)
    {
        var meta = new DicomDataset()
            .AddOrUpdate(new DicomElement(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0x00, 0x01 }))
            .AddOrUpdate(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, sopClassUid)
            .AddOrUpdate(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sopInstanceUid)
            .AddOrUpdate(DicomTags.TransferSyntaxUID, DicomVR.UI, transferSyntaxUid)
            .AddOrUpdate(DicomTags.ImplementationClassUID, DicomVR.UI, implementationClassUid);
        if (!string.IsNullOrEmpty(implementationVersionName))
        {
            meta.AddOrUpdate(DicomTags.ImplementationVersionName, DicomVR.SH, implementationVersionName);
        }

        if (!string.IsNullOrEmpty(sourceAeTitle))
        {
            meta.AddOrUpdate(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, sourceAeTitle);
        }

        var group = DicomDatasetWriter.ToBytes(meta, DicomTransferSyntax.ExplicitVRLittleEndian);
        var result = new byte[132 + group.Length];
        Magic.CopyTo(result, 128);
        group.CopyTo(result, 132);
        return result;
    }

    /// <summary>Reads the File Meta Information of a Part 10 file; the stream is left at the first dataset byte.</summary>
    /// <exception cref="InvalidDataException">The file has no preamble/DICM prefix or a malformed group 0002.</exception>
    public static FileMetaInformation Read(Stream stream, string fileNameForErrors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[132];
        if (stream.ReadAtLeast(prefix, 132, throwOnEndOfStream: false) < 132 || !prefix[128..].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{fileNameForErrors}: not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble).");
        }

        string? sopClass = null;
        string? sopInstance = null;
        string? transferSyntax = null;
        Span<byte> header = stackalloc byte[8];
        Span<byte> length32 = stackalloc byte[4];
        while (true)
        {
            var position = stream.Position;
            if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            {
                break;
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(header);
            if (group != 0x0002)
            {
                stream.Position = position;
                break;
            }

            var element = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            var vr = Encoding.ASCII.GetString(header.Slice(4, 2));
            uint length;
            if (vr is "OB" or "OW" or "UN" or "SQ" or "UT" or "UC" or "UR" or "OD" or "OF" or "OL" or "OV")
            {
                stream.ReadExactly(length32);
                length = BinaryPrimitives.ReadUInt32LittleEndian(length32);
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            }

            if (length > 1 << 16)
            {
                throw new InvalidDataException($"{fileNameForErrors}: file meta element (0002,{element:X4}) has an implausible length {length}.");
            }

            var value = new byte[length];
            stream.ReadExactly(value);
            var text = Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
            switch (element)
            {
                case 0x0002:
                    sopClass = text;
                    break;
                case 0x0003:
                    sopInstance = text;
                    break;
                case 0x0010:
                    transferSyntax = text;
                    break;
                default:
                    break;
            }
        }

        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance) || string.IsNullOrEmpty(transferSyntax))
        {
            throw new InvalidDataException($"{fileNameForErrors}: file meta information lacks the media storage SOP class/instance UID or the transfer syntax.");
        }

        return new FileMetaInformation(sopClass, sopInstance, transferSyntax, stream.Position);
    }
}

/// <summary>What the network layer needs from a file's meta information.</summary>
public sealed record FileMetaInformation(string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetOffset);
