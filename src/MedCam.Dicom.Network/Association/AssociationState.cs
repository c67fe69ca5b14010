namespace MedCam.Dicom.Network.Association;

/// <summary>The thirteen states of the DICOM upper-layer state machine (PS3.8 Table 9-1).</summary>
public enum AssociationState
{
    /// <summary>Sta1: idle, no transport connection.</summary>
    Idle = 1,

    /// <summary>Sta2: transport connection open, awaiting A-ASSOCIATE-RQ (ARTIM running).</summary>
    AwaitingAssociateRequest = 2,

    /// <summary>Sta3: awaiting the local A-ASSOCIATE response primitive.</summary>
    AwaitingLocalAssociateResponse = 3,

    /// <summary>Sta4: awaiting the transport connection to open.</summary>
    AwaitingTransportOpen = 4,

    /// <summary>Sta5: awaiting A-ASSOCIATE-AC or -RJ.</summary>
    AwaitingAssociateResponse = 5,

    /// <summary>Sta6: association established, ready for data transfer.</summary>
    Established = 6,

    /// <summary>Sta7: awaiting A-RELEASE-RP.</summary>
    AwaitingReleaseResponse = 7,

    /// <summary>Sta8: awaiting the local A-RELEASE response primitive.</summary>
    AwaitingLocalReleaseResponse = 8,

    /// <summary>Sta9: release collision, requestor side, awaiting the local A-RELEASE response primitive.</summary>
    CollisionRequestorAwaitingLocalResponse = 9,

    /// <summary>Sta10: release collision, acceptor side, awaiting A-RELEASE-RP.</summary>
    CollisionAcceptorAwaitingReleaseResponse = 10,

    /// <summary>Sta11: release collision, requestor side, awaiting A-RELEASE-RP.</summary>
    CollisionRequestorAwaitingReleaseResponse = 11,

    /// <summary>Sta12: release collision, acceptor side, awaiting the local A-RELEASE response primitive.</summary>
    CollisionAcceptorAwaitingLocalResponse = 12,

    /// <summary>Sta13: awaiting the transport connection to close (ARTIM running).</summary>
    AwaitingTransportClose = 13,
}

/// <summary>The nineteen events of the state machine (PS3.8 Table 9-2).</summary>
public enum AssociationEvent
{
    /// <summary>Evt1: A-ASSOCIATE request primitive (local user).</summary>
    AssociateRequestPrimitive = 1,

    /// <summary>Evt2: transport connect confirmation.</summary>
    TransportConnectConfirm = 2,

    /// <summary>Evt3: A-ASSOCIATE-AC PDU received.</summary>
    AssociateAcceptReceived = 3,

    /// <summary>Evt4: A-ASSOCIATE-RJ PDU received.</summary>
    AssociateRejectReceived = 4,

    /// <summary>Evt5: transport connection indication (incoming connection).</summary>
    TransportConnectIndication = 5,

    /// <summary>Evt6: A-ASSOCIATE-RQ PDU received.</summary>
    AssociateRequestReceived = 6,

    /// <summary>Evt7: A-ASSOCIATE response primitive (accept).</summary>
    AssociateAcceptPrimitive = 7,

    /// <summary>Evt8: A-ASSOCIATE response primitive (reject).</summary>
    AssociateRejectPrimitive = 8,

    /// <summary>Evt9: P-DATA request primitive.</summary>
    PDataRequestPrimitive = 9,

    /// <summary>Evt10: P-DATA-TF PDU received.</summary>
    PDataReceived = 10,

    /// <summary>Evt11: A-RELEASE request primitive.</summary>
    ReleaseRequestPrimitive = 11,

    /// <summary>Evt12: A-RELEASE-RQ PDU received.</summary>
    ReleaseRequestReceived = 12,

    /// <summary>Evt13: A-RELEASE-RP PDU received.</summary>
    ReleaseResponseReceived = 13,

    /// <summary>Evt14: A-RELEASE response primitive.</summary>
    ReleaseResponsePrimitive = 14,

    /// <summary>Evt15: A-ABORT request primitive.</summary>
    AbortRequestPrimitive = 15,

    /// <summary>Evt16: A-ABORT PDU received.</summary>
    AbortReceived = 16,

    /// <summary>Evt17: transport connection closed indication.</summary>
    TransportClosed = 17,

    /// <summary>Evt18: ARTIM timer expired.</summary>
    ArtimExpired = 18,

    /// <summary>Evt19: unrecognized or invalid PDU received.</summary>
    InvalidPduReceived = 19,
}

/// <summary>The actions of PS3.8 Table 9-6 to 9-9 that the state machine asks the connection to perform.</summary>
public enum AssociationAction
{
    /// <summary>AE-1: issue a transport connect request.</summary>
    AE1IssueTransportConnect,

    /// <summary>AE-2: send A-ASSOCIATE-RQ.</summary>
    AE2SendAssociateRequest,

    /// <summary>AE-3: issue A-ASSOCIATE confirmation (accept).</summary>
    AE3ConfirmAccept,

    /// <summary>AE-4: issue A-ASSOCIATE confirmation (reject) and close the transport.</summary>
    AE4ConfirmRejectAndClose,

    /// <summary>AE-5: accept the transport connection and start ARTIM.</summary>
    AE5AcceptTransportStartArtim,

    /// <summary>AE-6: stop ARTIM and pass the A-ASSOCIATE-RQ to the local user.</summary>
    AE6StopArtimIndicateRequest,

    /// <summary>AE-7: send A-ASSOCIATE-AC.</summary>
    AE7SendAccept,

    /// <summary>AE-8: send A-ASSOCIATE-RJ and start ARTIM.</summary>
    AE8SendRejectStartArtim,

    /// <summary>DT-1: send P-DATA-TF.</summary>
    DT1SendPData,

    /// <summary>DT-2: pass the P-DATA-TF to the local user.</summary>
    DT2IndicatePData,

    /// <summary>AR-1: send A-RELEASE-RQ.</summary>
    AR1SendReleaseRequest,

    /// <summary>AR-2: pass A-RELEASE-RQ to the local user.</summary>
    AR2IndicateReleaseRequest,

    /// <summary>AR-3: confirm release and close the transport.</summary>
    AR3ConfirmReleaseAndClose,

    /// <summary>AR-4: send A-RELEASE-RP and start ARTIM.</summary>
    AR4SendReleaseResponseStartArtim,

    /// <summary>AR-5: stop ARTIM (the peer closed after our A-RELEASE-RP).</summary>
    AR5StopArtim,

    /// <summary>AR-6: pass P-DATA-TF to the local user while awaiting A-RELEASE-RP.</summary>
    AR6IndicatePData,

    /// <summary>AR-7: send P-DATA-TF while awaiting the local release response.</summary>
    AR7SendPData,

    /// <summary>AR-8: release collision, indicate A-RELEASE-RQ.</summary>
    AR8IndicateReleaseCollision,

    /// <summary>AR-9: send A-RELEASE-RP (collision, requestor).</summary>
    AR9SendReleaseResponse,

    /// <summary>AR-10: confirm release (collision, acceptor).</summary>
    AR10ConfirmRelease,

    /// <summary>AA-1: send A-ABORT (service user) and start ARTIM.</summary>
    AA1SendAbortStartArtim,

    /// <summary>AA-2: stop ARTIM and close the transport.</summary>
    AA2CloseTransport,

    /// <summary>AA-3: indicate A-ABORT from the peer and close the transport.</summary>
    AA3IndicateAbortAndClose,

    /// <summary>AA-4: indicate A-P-ABORT (transport lost).</summary>
    AA4IndicateProviderAbort,

    /// <summary>AA-5: stop ARTIM (transport closed before an A-ASSOCIATE-RQ).</summary>
    AA5StopArtim,

    /// <summary>AA-6: ignore the PDU.</summary>
    AA6Ignore,

    /// <summary>AA-7: send A-ABORT.</summary>
    AA7SendAbort,

    /// <summary>AA-8: send A-ABORT (service provider), indicate A-P-ABORT and start ARTIM.</summary>
    AA8SendProviderAbortStartArtim,
}
