using System.Globalization;
using MedCam.Dicom;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// The modules every synthetic DICOM object shares (PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.3.1 General
/// Series, C.7.5.1 General Equipment, C.12.1 SOP Common), with UIDs derived from (task, seed, case) so the same
/// cohort always gets the same UIDs. Patients are marked as not real (Patient Identity Removed, De-identification
/// Method) and carry no birth date.
/// </summary>
internal sealed class SyntheticDicomContext
{
    private readonly string _task;
    private readonly long _seed;
    private readonly int _caseIndex;

    public SyntheticDicomContext(SyntheticTask task, long seed, int caseIndex, string caseId)
    {
        _task = SyntheticTasks.Name(task);
        _seed = seed;
        _caseIndex = caseIndex;
        CaseId = caseId;
        var date = new DateOnly(2024, 1, 1).AddDays(caseIndex % 3650);
        StudyDate = date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    }

    public string CaseId { get; }

    public string StudyDate { get; }

    public static string StudyTime => "093000";

    /// <summary>A UID stable for (task, seed, case, role, index).</summary>
    public DicomUid Uid(string role, int index = 0) =>
        DicomUid.FromName("medcam-synth", _task, _seed.ToString(CultureInfo.InvariantCulture), _caseIndex.ToString(CultureInfo.InvariantCulture), role, index.ToString(CultureInfo.InvariantCulture));

    public DicomDataset Common(DicomUid sopClass, DicomUid sopInstance, string modality, string seriesDescription, int seriesNumber)
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SOPClassUID, sopClass);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, sopInstance);
        ds.AddOrUpdate(DicomTags.StudyDate, StudyDate);
        ds.AddOrUpdate(DicomTags.SeriesDate, StudyDate);
        ds.AddOrUpdate(DicomTags.ContentDate, StudyDate);
        ds.AddOrUpdate(DicomTags.StudyTime, StudyTime);
        ds.AddOrUpdate(DicomTags.SeriesTime, StudyTime);
        ds.AddOrUpdate(DicomTags.ContentTime, StudyTime);
        ds.AddOrUpdate(DicomTags.AccessionNumber, string.Empty);
        ds.AddOrUpdate(DicomTags.Modality, modality);
        ds.AddOrUpdate(DicomTags.Manufacturer, "MedCam");
        ds.AddOrUpdate(DicomTags.ReferringPhysicianName, string.Empty);
        ds.AddOrUpdate(DicomTags.StudyDescription, "Synthetic phantom study (" + _task + ")");
        ds.AddOrUpdate(DicomTags.SeriesDescription, seriesDescription);
        ds.AddOrUpdate(DicomTags.ManufacturerModelName, "medcam synth");
        ds.AddOrUpdate(DicomTags.PatientName, "SYNTHETIC^PHANTOM^" + _caseIndex.ToString("D4", CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomTags.PatientID, CaseId);
        ds.AddOrUpdate(DicomTags.PatientBirthDate, string.Empty);
        ds.AddOrUpdate(DicomTags.PatientSex, "O");
        ds.AddOrUpdate(DicomTags.PatientIdentityRemoved, "YES");
        ds.AddOrUpdate(DicomTags.DeidentificationMethod, "Synthetic phantom: no real patient");
        ds.AddOrUpdate(DicomTags.DeviceSerialNumber, "SYNTH-0001");
        ds.AddOrUpdate(DicomTags.SoftwareVersions, "medcam synth 1");
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, Uid("study"));
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, Uid("series", seriesNumber));
        ds.AddOrUpdate(DicomTags.StudyID, "1");
        ds.AddOrUpdate(DicomTags.SeriesNumber, seriesNumber.ToString(CultureInfo.InvariantCulture));
        return ds;
    }

    public static DicomDataset Code(string value, string scheme, string meaning)
    {
        var item = new DicomDataset();
        item.AddOrUpdate(DicomTags.CodeValue, value);
        item.AddOrUpdate(DicomTags.CodingSchemeDesignator, scheme);
        item.AddOrUpdate(DicomTags.CodeMeaning, meaning);
        return item;
    }
}
