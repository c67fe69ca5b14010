namespace MedCam.Dicom.Network.Pdus;

/// <summary>The user information item of an A-ASSOCIATE-RQ/AC (PS3.8 D.1, PS3.7 D.3.3).</summary>
public sealed record UserInformation
{
    /// <summary>Maximum length of a P-DATA-TF PDU body the sender can receive; 0 means unlimited (PS3.8 D.1.1).</summary>
    public uint MaxPduLength { get; init; }

    public required string ImplementationClassUid { get; init; }

    public string? ImplementationVersionName { get; init; }

    /// <summary>Asynchronous operations window (PS3.7 D.3.3.3); absent means 1/1.</summary>
    public AsyncOperationsWindow? AsyncOperations { get; init; }

    /// <summary>SCP/SCU role selection items (PS3.7 D.3.3.4).</summary>
    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    /// <summary>Sub-items this implementation does not interpret (extended negotiation, user identity...), kept verbatim.</summary>
    public IReadOnlyList<UserInformationSubItem> OtherItems { get; init; } = [];
}

/// <summary>Maximum number of outstanding operations invoked and performed (PS3.7 D.3.3.3.1).</summary>
public sealed record AsyncOperationsWindow(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);

/// <summary>SCP/SCU role selection for one SOP class (PS3.7 D.3.3.4).</summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);

/// <summary>A user information sub-item kept as raw bytes.</summary>
public sealed record UserInformationSubItem(byte ItemType, ReadOnlyMemory<byte> Value);
