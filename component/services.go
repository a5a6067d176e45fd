package component

import "log/slog"

// NewGatewayService returns the service of the SMS gateway domain: disco
// identity gateway/sms, ping, version. The relay core registers message,
// presence and further iq handling on it.
func NewGatewayService(version string, log *slog.Logger) *Service {
	return &Service{
		Identities: []Identity{{Category: "gateway", Type: "sms", Name: "mpimis SMS gateway"}},
		Version:    version,
		Log:        log,
	}
}

// NewRoomsService returns the service of the rooms domain: disco identity
// conference/text with the MUC feature, ping, version.
func NewRoomsService(version string, log *slog.Logger) *Service {
	return &Service{
		Identities: []Identity{{Category: "conference", Type: "text", Name: "mpimis page rooms"}},
		Features:   []string{NSMUC},
		Version:    version,
		Log:        log,
	}
}
