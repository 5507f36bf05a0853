package notify

import (
	"fmt"
	"net/url"
	"time"
)

// ChannelConfig is one channel in the configuration file:
//
//	notify:
//	  channels:
//	    - {type: webhook, url: https://soar.example/hooks/weir, min_severity: medium}
//	    - {type: slack, url: https://hooks.slack.com/services/T/B/X, min_severity: high}
//	    - {type: syslog, network: udp, address: siem.example:514, format: cef}
type ChannelConfig struct {
	Type        string `yaml:"type"` // webhook, slack or syslog
	URL         string `yaml:"url"`  // webhook, slack
	Network     string `yaml:"network"`
	Address     string `yaml:"address"`
	Format      string `yaml:"format"` // syslog: rfc5424 (default) or cef
	Facility    int    `yaml:"facility"`
	Hostname    string `yaml:"hostname"`
	MinSeverity string `yaml:"min_severity"` // low (default), medium, high or critical
	ConsoleURL  string `yaml:"console_url"`  // slack: where finding links point
}

// channel makes the Channel cc describes.
func (cc ChannelConfig) channel(now func() time.Time) (Channel, error) {
	switch cc.Type {
	case "webhook", "slack":
		u, err := url.Parse(cc.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s url: want http(s)://host/path", cc.Type) // the URL itself may be a secret
		}
		if cc.Type == "slack" {
			return &Slack{URL: cc.URL, MinSeverity: cc.MinSeverity, ConsoleURL: cc.ConsoleURL}, nil
		}
		return &Webhook{URL: cc.URL, MinSeverity: cc.MinSeverity}, nil
	case "syslog":
		switch cc.Network {
		case "":
			cc.Network = "udp"
		case "udp", "tcp", "udp4", "udp6", "tcp4", "tcp6":
		default:
			return nil, fmt.Errorf("syslog network %q: want udp or tcp", cc.Network)
		}
		if cc.Address == "" {
			return nil, fmt.Errorf("syslog: no address (host:port)")
		}
		switch cc.Format {
		case "":
			cc.Format = FormatRFC5424
		case FormatRFC5424, FormatCEF:
		default:
			return nil, fmt.Errorf("syslog format %q: want rfc5424 or cef", cc.Format)
		}
		if cc.Facility < 0 || cc.Facility > 23 {
			return nil, fmt.Errorf("syslog facility %d: want 0 to 23", cc.Facility)
		}
		return &Syslog{Network: cc.Network, Addr: cc.Address, Format: cc.Format, Facility: cc.Facility,
			Hostname: cc.Hostname, MinSeverity: cc.MinSeverity, Now: now}, nil
	}
	return nil, fmt.Errorf("type %q: want webhook, slack or syslog", cc.Type)
}
