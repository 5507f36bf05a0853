package zones

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/valyala/fastjson"
)

// Generic service names say no more than the zone does; they are dropped so that
// Info.Service names a real service or nothing.
var genericService = map[string]bool{"AMAZON": true, "AzureCloud": true, "Google Cloud": true}

func service(s string) (string, int) {
	if genericService[s] || s == "" {
		return "", 0
	}
	return s, 1
}

func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		// Geofeeds may give a single address (RFC 8805 §2.1.1.1).
		a, aerr := netip.ParseAddr(strings.TrimSpace(s))
		if aerr != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return p.Masked(), nil
}

// loadAWS reads ip-ranges.json: {prefixes:[{ip_prefix, region, service}],
// ipv6_prefixes:[{ipv6_prefix, region, service}]}. Region "GLOBAL" means none.
func loadAWS(data []byte, add addFunc) error {
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		return err
	}
	n := 0
	for _, list := range []struct{ key, field string }{{"prefixes", "ip_prefix"}, {"ipv6_prefixes", "ipv6_prefix"}} {
		for i, e := range v.GetArray(list.key) {
			pfx, err := parsePrefix(string(e.GetStringBytes(list.field)))
			if err != nil {
				return fmt.Errorf("%s[%d]: %w", list.key, i, err)
			}
			region := string(e.GetStringBytes("region"))
			if region == "GLOBAL" {
				region = ""
			}
			svc, specific := service(string(e.GetStringBytes("service")))
			add(pfx, region, svc, specific)
			n++
		}
	}
	if n == 0 {
		return errors.New("no prefixes (is this an AWS ip-ranges.json?)")
	}
	return nil
}

// loadGCP reads cloud.json: {prefixes:[{ipv4Prefix|ipv6Prefix, service, scope}]};
// scope is the region.
func loadGCP(data []byte, add addFunc) error {
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		return err
	}
	list := v.GetArray("prefixes")
	if len(list) == 0 {
		return errors.New("no prefixes (is this a GCP cloud.json?)")
	}
	for i, e := range list {
		s := e.GetStringBytes("ipv4Prefix")
		if s == nil {
			s = e.GetStringBytes("ipv6Prefix")
		}
		if s == nil {
			return fmt.Errorf("prefixes[%d]: no ipv4Prefix or ipv6Prefix (is this a GCP cloud.json?)", i)
		}
		pfx, err := parsePrefix(string(s))
		if err != nil {
			return fmt.Errorf("prefixes[%d]: %w", i, err)
		}
		region := string(e.GetStringBytes("scope"))
		if region == "global" {
			region = ""
		}
		svc, specific := service(string(e.GetStringBytes("service")))
		add(pfx, region, svc, specific)
	}
	return nil
}

// loadAzure reads ServiceTags_Public: {values:[{name, properties:{region,
// addressPrefixes}}]}. The service is the tag's name without its region suffix
// ("Storage.EastUS" → "Storage"). A regional tag outranks a global one.
func loadAzure(data []byte, add addFunc) error {
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		return err
	}
	tags := v.GetArray("values")
	if len(tags) == 0 {
		return errors.New("no service tags (is this a ServiceTags_Public JSON?)")
	}
	for _, t := range tags {
		name := string(t.GetStringBytes("name"))
		props := t.Get("properties")
		region := string(props.GetStringBytes("region"))
		base, _, _ := strings.Cut(name, ".")
		svc, specific := service(base)
		if region != "" {
			specific += 2
		}
		for i, a := range props.GetArray("addressPrefixes") {
			pfx, err := parsePrefix(string(a.GetStringBytes()))
			if err != nil {
				return fmt.Errorf("tag %s addressPrefixes[%d]: %w", name, i, err)
			}
			add(pfx, region, svc, specific)
		}
	}
	return nil
}

// loadOCI reads public_ip_ranges.json: {regions:[{region, cidrs:[{cidr, tags}]}]}.
// The first tag (OCI, OSN, OBJECT_STORAGE) is the service; "OCI" is generic.
func loadOCI(data []byte, add addFunc) error {
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		return err
	}
	regions := v.GetArray("regions")
	if len(regions) == 0 {
		return errors.New("no regions (is this an OCI public_ip_ranges.json?)")
	}
	for _, r := range regions {
		region := string(r.GetStringBytes("region"))
		for i, c := range r.GetArray("cidrs") {
			pfx, err := parsePrefix(string(c.GetStringBytes("cidr")))
			if err != nil {
				return fmt.Errorf("region %s cidrs[%d]: %w", region, i, err)
			}
			svc, specific := "", 0
			if tags := c.GetArray("tags"); len(tags) > 0 {
				if t := string(tags[0].GetStringBytes()); t != "OCI" {
					svc, specific = t, 1
				}
			}
			add(pfx, region, svc, specific)
		}
	}
	return nil
}

// loadGeofeed reads an RFC 8805 geofeed: ip_prefix,alpha2code,region,city,postal.
// The region is the ISO 3166-2 code when given ("US-NY"), else the country.
func loadGeofeed(data []byte, add addFunc) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	line, n := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Split(text, ",")
		pfx, err := parsePrefix(fields[0])
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		region := ""
		if len(fields) > 2 {
			region = strings.TrimSpace(fields[2])
		}
		if region == "" && len(fields) > 1 {
			region = strings.TrimSpace(fields[1])
		}
		add(pfx, region, "", 0)
		n++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	if n == 0 {
		return errors.New("no prefixes (is this a geofeed CSV?)")
	}
	return nil
}
