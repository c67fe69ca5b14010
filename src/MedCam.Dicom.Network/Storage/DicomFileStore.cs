using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Files;
using MedCam.Dicom.Network.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedCam.Dicom.Network.Storage;

/// <summary>
/// A storage SCP provider that streams each dataset, exactly as received, behind a Part 10 header into a temporary
/// file, fsyncs it, renames it atomically into its study folder and fsyncs the folder, and only then answers
/// success. A crash at any point leaves either the complete file or none (plus a stray <c>.part</c>).
/// </summary>
public sealed class DicomFileStore : ICStoreProvider
{
    private const int EnoSpc = 28;
    private readonly DicomFileStoreOptions options;
    private readonly ILogger logger;
    private readonly string incoming;

    public DicomFileStore(DicomFileStoreOptions options, ILogger<DicomFileStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Directory.CreateDirectory(options.Root);
        incoming = Path.Combine(options.Root, ".incoming");
        Directory.CreateDirectory(incoming);
    }

    public async ValueTask<CStoreResult> OnCStoreAsync(CStoreRequest request, DicomDataSetStream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataSet);
        var free = FreeBytes();
        if (free < options.MinimumFreeBytes)
        {
            logger.LogWarning("Refusing C-STORE: {Free} bytes free, watermark {Watermark}", free, options.MinimumFreeBytes);
            return new CStoreResult(DimseStatus.OutOfResources, "Free disk space below the configured watermark");
        }

        var temporary = Path.Combine(incoming, $"{Guid.NewGuid():N}.part");
        try
        {
            long length;
            var header = Part10Header.Build(
                request.SopClassUid, request.SopInstanceUid, request.TransferSyntaxUid,
                DicomNetworkUids.ImplementationClassUid, DicomNetworkUids.ImplementationVersionName, request.Association.CallingAeTitle);
            var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 0,
                // Synchronous writes: they land in the page cache in microseconds, cheaper than a thread-pool hop each.
                Options = FileOptions.None,
            });
            string? studyUid;
            await using (file.ConfigureAwait(false))
            {
                file.Write(header);
                while (true)
                {
                    var fragment = await dataSet.ReadFragmentAsync(cancellationToken).ConfigureAwait(false);
                    if (fragment.IsEmpty)
                    {
                        break;
                    }

                    file.Write(fragment.Span);
                }

                if (options.Durable)
                {
                    file.Flush(flushToDisk: true);
                }

                length = file.Length;
                studyUid = null;
                if (options.FolderPerStudy)
                {
                    file.Position = header.Length;
                    studyUid = StudyUidScanner.Find(file, request.TransferSyntaxUid);
                }
            }

            var folder = options.FolderPerStudy ? Path.Combine(options.Root, SafeName(studyUid, "unknown-study")) : options.Root;
            var created = !Directory.Exists(folder);
            Directory.CreateDirectory(folder);
            var target = Path.Combine(folder, SafeName(request.SopInstanceUid, "instance") + ".dcm");
            File.Move(temporary, target, overwrite: true);
            if (options.Durable)
            {
                DurableFile.SyncDirectory(folder);
                if (created)
                {
                    DurableFile.SyncDirectory(options.Root);
                }
            }

            if (options.Notifications is { } notifications)
            {
                await notifications.WriteAsync(
                    new StoredInstance(target, request.SopClassUid, request.SopInstanceUid, studyUid, request.TransferSyntaxUid, length, request.Association.CallingAeTitle, request.Association.Id),
                    cancellationToken).ConfigureAwait(false);
            }

            return CStoreResult.Success;
        }
        catch (IOException ex) when (ex.HResult == EnoSpc || (ex.HResult & 0xFFFF) == EnoSpc)
        {
            TryDelete(temporary);
            logger.LogWarning("Disk full while storing {SopInstanceUid}", request.SopInstanceUid);
            return new CStoreResult(DimseStatus.OutOfResources, "Disk full");
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(options.Root).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>UIDs are digits and dots (PS3.5 9.1); anything else is not trusted as a file name.</summary>
    private static string SafeName(string? uid, string fallback) =>
        !string.IsNullOrEmpty(uid) && uid.Length <= 64 && uid.All(c => c is (>= '0' and <= '9') or '.') && uid[0] != '.'
            ? uid
            : fallback + "-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uid ?? string.Empty)))[..16];

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left as a stray .part file; harmless.
        }
    }
}
