using MedCam.Dicom.Network.Pdus;

namespace MedCam.Dicom.Network.Association;

/// <summary>
/// A PDU just read. For P-DATA-TF the values slice the connection's receive buffer and stay valid only until the
/// next receive; other PDUs are decoded into <see cref="Pdu"/>.
/// </summary>
internal readonly record struct ReceivedPdu(PduType Type, Pdu? Pdu, List<PresentationDataValue>? Values);
