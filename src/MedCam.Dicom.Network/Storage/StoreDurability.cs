namespace MedCam.Dicom.Network.Storage;

/// <summary>How <see cref="DicomFileStore"/> makes a received instance crash-safe before it answers success.</summary>
public enum StoreDurability
{
    /// <summary>
    /// Default. The instance (bytes, final path, checksums) is appended to a preallocated write-ahead journal
    /// segment and only that is flushed (one fdatasync of an overwrite, shared by every association committing at
    /// the same moment); the final file is then renamed into place without its own fsync. The journal is
    /// checkpointed in the background (files and folders synced in one batch, then the segment is retired) and
    /// replayed at start-up, so every acknowledged instance reaches its final path byte-identical even after a
    /// crash. Linux only; elsewhere it behaves as <see cref="PerFileFsync"/>.
    /// </summary>
    Journal,

    /// <summary>fsync the file, rename it into place, fsync the folder: two device flushes per instance.</summary>
    PerFileFsync,

    /// <summary>No flush at all: fastest, but an instance acknowledged just before a crash can be lost.</summary>
    None,
}
