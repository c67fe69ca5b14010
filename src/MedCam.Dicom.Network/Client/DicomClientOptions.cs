using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Security;
using Polly;

namespace MedCam.Dicom.Network.Client;

/// <summary>How a <see cref="DicomClient"/> reaches its peer.</summary>
public sealed record DicomClientOptions
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public string CallingAeTitle { get; init; } = "MEDCAM";

    public string CalledAeTitle { get; init; } = "ANY-SCP";

    /// <summary>Maximum P-DATA-TF length we announce for what the peer sends us.</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    public AssociationTimeouts Timeouts { get; init; } = new();

    public DicomTlsClientOptions? Tls { get; init; }

    /// <summary>Retry of whole associations on transient failures; files already stored are not sent again.</summary>
    public DicomRetryOptions Retry { get; init; } = new();

    /// <summary>A complete Polly pipeline to use instead of the one built from <see cref="Retry"/>.</summary>
    public ResiliencePipeline? ResiliencePipeline { get; init; }

    /// <summary>
    /// Also propose an uncompressed context (explicit, then implicit VR little endian) per SOP class, used only when
    /// the peer refuses a file's own transfer syntax; the file is then decoded by the DICOM core (uncompressed
    /// syntaxes always, compressed ones when the core has a codec, e.g. RLE).
    /// </summary>
    public bool FallbackToUncompressed { get; init; } = true;

    /// <summary>Propose an asynchronous operations window (PS3.7 D.3.3.3); we still invoke one at a time.</summary>
    public AsyncOperationsWindowProposal? AsyncOperations { get; init; }

    public string ImplementationClassUid { get; init; } = DicomNetworkUids.ImplementationClassUid;

    public string ImplementationVersionName { get; init; } = DicomNetworkUids.ImplementationVersionName;
}

/// <summary>Retry policy for associations: connect failures, transient rejections, aborts and timeouts.</summary>
public sealed record DicomRetryOptions
{
    /// <summary>Retries after the first attempt; 0 disables retrying.</summary>
    public int MaxRetryAttempts { get; init; } = 3;

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(1);

    public DelayBackoffType BackoffType { get; init; } = DelayBackoffType.Exponential;
}

/// <summary>Asynchronous operations window to propose.</summary>
public sealed record AsyncOperationsWindowProposal(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);
