package smsbridge

import "fmt"

// SMPP 3.4 command_status values used by the session and its callers. An
// MOHandler returns one of them for deliver_sm_resp.
const (
	StatusOK             uint32 = 0x00000000 // ESME_ROK
	StatusInvMsgLen      uint32 = 0x00000001 // ESME_RINVMSGLEN
	StatusInvCmdLen      uint32 = 0x00000002 // ESME_RINVCMDLEN
	StatusInvCmdID       uint32 = 0x00000003 // ESME_RINVCMDID
	StatusInvBindStatus  uint32 = 0x00000004 // ESME_RINVBNDSTS
	StatusAlreadyBound   uint32 = 0x00000005 // ESME_RALYBND
	StatusSysErr         uint32 = 0x00000008 // ESME_RSYSERR
	StatusInvDstAddr     uint32 = 0x0000000B // ESME_RINVDSTADR
	StatusBindFail       uint32 = 0x0000000D // ESME_RBINDFAIL
	StatusInvPassword    uint32 = 0x0000000E // ESME_RINVPASWD
	StatusInvSystemID    uint32 = 0x0000000F // ESME_RINVSYSID
	StatusMsgQueueFull   uint32 = 0x00000014 // ESME_RMSGQFUL
	StatusSubmitFail     uint32 = 0x00000045 // ESME_RSUBMITFAIL
	StatusThrottled      uint32 = 0x00000058 // ESME_RTHROTTLED
	StatusInvSchedule    uint32 = 0x00000061 // ESME_RINVSCHED
	StatusTempAppError   uint32 = 0x00000064 // ESME_RX_T_APPN: receiver temporary application error
	StatusPermAppError   uint32 = 0x00000065 // ESME_RX_P_APPN: receiver permanent application error
	StatusRejectAppError uint32 = 0x00000066 // ESME_RX_R_APPN: receiver rejected the message
	StatusInvTLVStream   uint32 = 0x000000C0 // ESME_RINVTLVSTREAM
	StatusUnknownError   uint32 = 0x000000FF // ESME_RUNKNOWNERR
)

type statusInfo struct{ name, text string }

// statusTable names the SMPP 3.4 error codes (section 5.1.3).
var statusTable = map[uint32]statusInfo{
	0x00000000: {"ESME_ROK", "no error"},
	0x00000001: {"ESME_RINVMSGLEN", "invalid message length"},
	0x00000002: {"ESME_RINVCMDLEN", "invalid command length"},
	0x00000003: {"ESME_RINVCMDID", "invalid command id"},
	0x00000004: {"ESME_RINVBNDSTS", "incorrect bind status for the command"},
	0x00000005: {"ESME_RALYBND", "already bound"},
	0x00000006: {"ESME_RINVPRTFLG", "invalid priority flag"},
	0x00000007: {"ESME_RINVREGDLVFLG", "invalid registered delivery flag"},
	0x00000008: {"ESME_RSYSERR", "system error"},
	0x0000000A: {"ESME_RINVSRCADR", "invalid source address"},
	0x0000000B: {"ESME_RINVDSTADR", "invalid destination address"},
	0x0000000C: {"ESME_RINVMSGID", "invalid message id"},
	0x0000000D: {"ESME_RBINDFAIL", "bind failed"},
	0x0000000E: {"ESME_RINVPASWD", "invalid password"},
	0x0000000F: {"ESME_RINVSYSID", "invalid system id"},
	0x00000011: {"ESME_RCANCELFAIL", "cancel_sm failed"},
	0x00000013: {"ESME_RREPLACEFAIL", "replace_sm failed"},
	0x00000014: {"ESME_RMSGQFUL", "message queue full"},
	0x00000015: {"ESME_RINVSERTYP", "invalid service type"},
	0x00000033: {"ESME_RINVNUMDESTS", "invalid number of destinations"},
	0x00000034: {"ESME_RINVDLNAME", "invalid distribution list name"},
	0x00000040: {"ESME_RINVDESTFLAG", "invalid destination flag"},
	0x00000042: {"ESME_RINVSUBREP", "invalid submit with replace request"},
	0x00000043: {"ESME_RINVESMCLASS", "invalid esm_class"},
	0x00000044: {"ESME_RCNTSUBDL", "cannot submit to distribution list"},
	0x00000045: {"ESME_RSUBMITFAIL", "submit failed"},
	0x00000048: {"ESME_RINVSRCTON", "invalid source address TON"},
	0x00000049: {"ESME_RINVSRCNPI", "invalid source address NPI"},
	0x00000050: {"ESME_RINVDSTTON", "invalid destination address TON"},
	0x00000051: {"ESME_RINVDSTNPI", "invalid destination address NPI"},
	0x00000053: {"ESME_RINVSYSTYP", "invalid system type"},
	0x00000054: {"ESME_RINVREPFLAG", "invalid replace_if_present flag"},
	0x00000055: {"ESME_RINVNUMMSGS", "invalid number of messages"},
	0x00000058: {"ESME_RTHROTTLED", "throttled: message rate too high"},
	0x00000061: {"ESME_RINVSCHED", "invalid scheduled delivery time"},
	0x00000062: {"ESME_RINVEXPIRY", "invalid validity period"},
	0x00000063: {"ESME_RINVDFTMSGID", "invalid predefined message id"},
	0x00000064: {"ESME_RX_T_APPN", "receiver temporary application error"},
	0x00000065: {"ESME_RX_P_APPN", "receiver permanent application error"},
	0x00000066: {"ESME_RX_R_APPN", "receiver rejected the message"},
	0x00000067: {"ESME_RQUERYFAIL", "query_sm failed"},
	0x000000C0: {"ESME_RINVTLVSTREAM", "error in the optional part of the PDU"},
	0x000000C1: {"ESME_RTLVNOTALLWD", "optional parameter not allowed"},
	0x000000C2: {"ESME_RINVTLVLEN", "invalid optional parameter length"},
	0x000000C3: {"ESME_RMISSINGTLV", "expected optional parameter missing"},
	0x000000C4: {"ESME_RINVTLVVAL", "invalid optional parameter value"},
	0x000000FE: {"ESME_RDELIVERYFAILURE", "delivery failure"},
	0x000000FF: {"ESME_RUNKNOWNERR", "unknown error"},
}

// StatusName returns the SMPP name of a command_status, e.g.
// "ESME_RINVDSTADR" for 0x0B, or "" for a value outside the table.
func StatusName(status uint32) string { return statusTable[status].name }

// StatusText describes a command_status in plain words with its name and
// value, e.g. "invalid password (ESME_RINVPASWD 0x0000000E)". Values outside
// the table read "unknown status (0x00000400)".
func StatusText(status uint32) string {
	if i, ok := statusTable[status]; ok {
		return fmt.Sprintf("%s (%s 0x%08X)", i.text, i.name, status)
	}
	return fmt.Sprintf("unknown status (0x%08X)", status)
}

// temporaryStatus reports whether a submit_sm failing with status may
// succeed later unchanged. ESME_RX_T_APPN says so in its name: SMSCs use
// it on submit_sm_resp when the handset or a downstream application is
// temporarily unable to take the message.
func temporaryStatus(status uint32) bool {
	switch status {
	case StatusThrottled, StatusMsgQueueFull, StatusInvBindStatus, StatusTempAppError:
		return true
	}
	return false
}
