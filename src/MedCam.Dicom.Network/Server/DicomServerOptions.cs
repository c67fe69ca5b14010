using System.Net;
using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Security;

namespace MedCam.Dicom.Network.Server;

/// <summary>Everything a <see cref="DicomServer"/> needs to know; built by <see cref="DicomServerBuilder"/>.</summary>
public sealed record DicomServerOptions
{
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>TCP port; 0 picks a free one (see <see cref="DicomServer.LocalEndPoint"/>).</summary>
    public int Port { get; init; } = 104;

    /// <summary>Our AE title.</summary>
    public string AeTitle { get; init; } = "MEDCAM";

    /// <summary>Reject associations whose called AE title is not <see cref="AeTitle"/> (PS3.8 Table 9-21 reason 7).</summary>
    public bool RequireCalledAeTitle { get; init; } = true;

    /// <summary>Calling AE titles allowed in; null allows any.</summary>
    public IReadOnlySet<string>? AllowedCallingAeTitles { get; init; }

    /// <summary>Peer networks allowed in; null allows any.</summary>
    public IReadOnlyList<IPNetwork>? AllowedHosts { get; init; }

    /// <summary>Simultaneous associations; further ones get a transient A-ASSOCIATE-RJ (local limit exceeded).</summary>
    public int MaxAssociations { get; init; } = 64;

    /// <summary>Maximum P-DATA-TF length we announce (PS3.8 D.1); peers fragment to it.</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>
    /// Transfer syntaxes in our order of preference. Null keeps the proposer's order (the first proposed syntax we
    /// accept wins), which keeps each file in its own syntax.
    /// </summary>
    public IReadOnlyList<string>? PreferredTransferSyntaxes { get; init; }

    /// <summary>Which transfer syntaxes may be accepted at all; default: every standard one (datasets are stored as sent).</summary>
    public Func<string, bool> AcceptTransferSyntax { get; init; } = DicomNetworkUids.IsStandardTransferSyntax;

    /// <summary>Which storage SOP classes are accepted; default: every standard storage SOP class.</summary>
    public Func<string, bool> AcceptStorageSopClass { get; init; } = DicomNetworkUids.IsStorageSopClass;

    public AssociationTimeouts Timeouts { get; init; } = new();

    /// <summary>Set to serve DICOM TLS on this port.</summary>
    public DicomTlsServerOptions? Tls { get; init; }

    public string ImplementationClassUid { get; init; } = DicomNetworkUids.ImplementationClassUid;

    public string ImplementationVersionName { get; init; } = DicomNetworkUids.ImplementationVersionName;
}
