package services

// defaults is weir's catalog. Port numbers are from the IANA Service Name and
// Transport Protocol Port Number Registry
// (https://www.iana.org/assignments/service-names-port-numbers) unless a vendor's
// documentation is named: those products use ports IANA assigned to nobody or to
// something else.
//
// Risk says how much a security team should care to see the service cross a
// boundary: high for what attackers use to move, control or steal (SMB, RDP,
// remote-control tools, databases, cleartext logins), medium for what is
// sensitive but common, low for the ordinary (DNS, HTTPS, NTP).
var defaults = []Entry{
	// Legacy and cleartext: credentials or data in the clear.
	{Name: "Telnet", Ports: "23", Proto: "tcp", Risk: "high", Category: CategoryLegacy},
	{Name: "rexec", Ports: "512", Proto: "tcp", Risk: "high", Category: CategoryLegacy},
	{Name: "rlogin", Ports: "513", Proto: "tcp", Risk: "high", Category: CategoryLegacy},
	{Name: "rsh", Ports: "514", Proto: "tcp", Risk: "high", Category: CategoryLegacy}, // IANA "shell"; 514/udp is syslog
	{Name: "Finger", Ports: "79", Proto: "tcp", Risk: "medium", Category: CategoryLegacy},
	{Name: "POP3", Ports: "110", Proto: "tcp", Risk: "medium", Category: CategoryLegacy},
	{Name: "IMAP", Ports: "143", Proto: "tcp", Risk: "medium", Category: CategoryLegacy},
	{Name: "NetBIOS-NS", Ports: "137", Proto: "udp", Risk: "medium", Category: CategoryLegacy},
	{Name: "NetBIOS-DGM", Ports: "138", Proto: "udp", Risk: "medium", Category: CategoryLegacy},
	{Name: "LLMNR", Ports: "5355", Proto: "udp", Risk: "medium", Category: CategoryLegacy}, // RFC 4795; poisoned for credential relay
	{Name: "IRC", Ports: "6667", Proto: "tcp", Risk: "high", Category: CategoryLegacy},     // a classic botnet C2 channel
	{Name: "MQTT", Ports: "1883", Proto: "tcp", Risk: "medium", Category: CategoryLegacy},
	{Name: "Modbus", Ports: "502", Proto: "tcp", Risk: "high", Category: CategoryLegacy},

	// Remote access: interactive control of a machine, or a tunnel out of the estate.
	{Name: "SSH", Ports: "22", Proto: "tcp", Risk: "medium", Category: CategoryRemoteAccess},
	{Name: "RDP", Ports: "3389", Proto: "tcp/udp", Risk: "high", Category: CategoryRemoteAccess}, // Microsoft: RDP uses UDP 3389 as well
	{Name: "VNC", Ports: "5900-5903", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	{Name: "VNC-HTTP", Ports: "5800", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	{Name: "X11", Ports: "6000", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	// RustDesk docs (self-hosted server): hbbs 21115–21116 and 21118, hbbr 21117
	// and 21119 over TCP, 21116 over UDP for ID registration and hole punching.
	{Name: "RustDesk", Ports: "21115-21119", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	{Name: "RustDesk", Ports: "21116", Proto: "udp", Risk: "high", Category: CategoryRemoteAccess},
	{Name: "AnyDesk", Ports: "7070", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},            // AnyDesk docs: direct connections
	{Name: "TeamViewer", Ports: "5938", Proto: "tcp/udp", Risk: "high", Category: CategoryRemoteAccess},     // TeamViewer docs
	{Name: "ScreenConnect", Ports: "8040-8041", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess}, // ConnectWise docs: web and relay
	{Name: "Citrix-ICA", Ports: "1494", Proto: "tcp", Risk: "medium", Category: CategoryRemoteAccess},
	{Name: "Citrix-CGP", Ports: "2598", Proto: "tcp", Risk: "medium", Category: CategoryRemoteAccess},
	{Name: "Docker-API", Ports: "2375", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess}, // unauthenticated by default
	{Name: "Docker-API-TLS", Ports: "2376", Proto: "tcp", Risk: "medium", Category: CategoryRemoteAccess},
	{Name: "Kubelet", Ports: "10250", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess}, // Kubernetes docs: exec into pods
	{Name: "SOCKS", Ports: "1080", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	// Tor relays' ORPort and DirPort (Tor Project defaults): traffic leaving the
	// estate through an anonymising tunnel.
	{Name: "Tor", Ports: "9001", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	{Name: "Tor-Dir", Ports: "9030", Proto: "tcp", Risk: "high", Category: CategoryRemoteAccess},
	{Name: "OpenVPN", Ports: "1194", Proto: "tcp/udp", Risk: "medium", Category: CategoryRemoteAccess},
	{Name: "PPTP", Ports: "1723", Proto: "tcp", Risk: "medium", Category: CategoryRemoteAccess},
	{Name: "WireGuard", Ports: "51820", Proto: "udp", Risk: "medium", Category: CategoryRemoteAccess}, // WireGuard docs' default

	// Lateral movement: what attackers use to execute and spread inside Windows estates.
	{Name: "SMB", Ports: "445", Proto: "tcp", Risk: "high", Category: CategoryLateral},
	{Name: "NetBIOS-SSN", Ports: "139", Proto: "tcp", Risk: "high", Category: CategoryLateral}, // SMB over NetBIOS
	{Name: "RPC", Ports: "135", Proto: "tcp", Risk: "high", Category: CategoryLateral},         // MS-RPC endpoint mapper, DCOM/WMI
	{Name: "WinRM", Ports: "5985", Proto: "tcp", Risk: "high", Category: CategoryLateral},      // Microsoft docs: WinRM 2.0 HTTP
	{Name: "WinRM-HTTPS", Ports: "5986", Proto: "tcp", Risk: "high", Category: CategoryLateral},

	// File transfer.
	{Name: "FTP", Ports: "21", Proto: "tcp", Risk: "high", Category: CategoryFileTransfer}, // cleartext logins
	{Name: "FTP-Data", Ports: "20", Proto: "tcp", Risk: "high", Category: CategoryFileTransfer},
	{Name: "TFTP", Ports: "69", Proto: "udp", Risk: "high", Category: CategoryFileTransfer},
	{Name: "FTPS", Ports: "990", Proto: "tcp", Risk: "medium", Category: CategoryFileTransfer},
	{Name: "rsync", Ports: "873", Proto: "tcp", Risk: "medium", Category: CategoryFileTransfer},
	{Name: "NFS", Ports: "2049", Proto: "tcp/udp", Risk: "medium", Category: CategoryFileTransfer},
	{Name: "Git", Ports: "9418", Proto: "tcp", Risk: "low", Category: CategoryFileTransfer},

	// Databases: reachable from where they should not be, they are where data leaves.
	{Name: "MSSQL", Ports: "1433", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "MSSQL-Browser", Ports: "1434", Proto: "udp", Risk: "medium", Category: CategoryDatabase},
	{Name: "MySQL", Ports: "3306", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "PostgreSQL", Ports: "5432", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "Oracle", Ports: "1521", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "Redis", Ports: "6379", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "MongoDB", Ports: "27017", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "Elasticsearch", Ports: "9200", Proto: "tcp", Risk: "high", Category: CategoryDatabase}, // Elastic docs: REST
	{Name: "Elasticsearch-Transport", Ports: "9300", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "Cassandra", Ports: "9042", Proto: "tcp", Risk: "high", Category: CategoryDatabase}, // Apache Cassandra docs: CQL
	{Name: "CouchDB", Ports: "5984", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "Memcached", Ports: "11211", Proto: "tcp/udp", Risk: "high", Category: CategoryDatabase},
	{Name: "etcd", Ports: "2379-2380", Proto: "tcp", Risk: "high", Category: CategoryDatabase},
	{Name: "Kafka", Ports: "9092", Proto: "tcp", Risk: "medium", Category: CategoryDatabase}, // Apache Kafka docs
	{Name: "AMQP", Ports: "5672", Proto: "tcp", Risk: "medium", Category: CategoryDatabase},
	{Name: "ZooKeeper", Ports: "2181", Proto: "tcp", Risk: "medium", Category: CategoryDatabase},

	// Web.
	{Name: "HTTP", Ports: "80", Proto: "tcp", Risk: "medium", Category: CategoryWeb}, // cleartext
	{Name: "HTTP-Alt", Ports: "8080", Proto: "tcp", Risk: "medium", Category: CategoryWeb},
	{Name: "HTTP-Alt", Ports: "8000", Proto: "tcp", Risk: "medium", Category: CategoryWeb},
	{Name: "HTTPS", Ports: "443", Proto: "tcp", Risk: "low", Category: CategoryWeb},
	{Name: "QUIC", Ports: "443", Proto: "udp", Risk: "low", Category: CategoryWeb}, // HTTP/3
	{Name: "HTTPS-Alt", Ports: "8443", Proto: "tcp", Risk: "low", Category: CategoryWeb},
	{Name: "AJP", Ports: "8009", Proto: "tcp", Risk: "high", Category: CategoryWeb}, // Apache Tomcat docs; Ghostcat (CVE-2020-1938)

	// Infrastructure: what every estate runs; worth seeing, rarely alarming.
	{Name: "DNS", Ports: "53", Proto: "tcp/udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "NTP", Ports: "123", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "DHCP", Ports: "67-68", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "Kerberos", Ports: "88", Proto: "tcp/udp", Risk: "medium", Category: CategoryInfrastructure},
	{Name: "Kpasswd", Ports: "464", Proto: "tcp/udp", Risk: "medium", Category: CategoryInfrastructure},
	{Name: "LDAP", Ports: "389", Proto: "tcp/udp", Risk: "medium", Category: CategoryInfrastructure},
	{Name: "LDAPS", Ports: "636", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "LDAP-GC", Ports: "3268", Proto: "tcp", Risk: "medium", Category: CategoryInfrastructure}, // Active Directory global catalog
	{Name: "LDAP-GC-TLS", Ports: "3269", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "SMTP", Ports: "25", Proto: "tcp", Risk: "medium", Category: CategoryInfrastructure},
	{Name: "SMTPS", Ports: "465", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "Submission", Ports: "587", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "IMAPS", Ports: "993", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "POP3S", Ports: "995", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "SNMP", Ports: "161", Proto: "udp", Risk: "medium", Category: CategoryInfrastructure},
	{Name: "SNMP-Trap", Ports: "162", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "Syslog", Ports: "514", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "Syslog-TLS", Ports: "6514", Proto: "tcp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "mDNS", Ports: "5353", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "SSDP", Ports: "1900", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "IKE", Ports: "500", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "IPsec-NAT-T", Ports: "4500", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "RADIUS", Ports: "1812-1813", Proto: "udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "SIP", Ports: "5060", Proto: "tcp/udp", Risk: "low", Category: CategoryInfrastructure},
	{Name: "Kubernetes-API", Ports: "6443", Proto: "tcp", Risk: "medium", Category: CategoryInfrastructure},
}
