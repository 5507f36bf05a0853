package aws

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// The fake EC2's side of the wire: query parameters in, XML out.

func (f *fakeEC2) eniXML(n *fakeENI) xmlENI {
	x := xmlENI{ID: n.ID, Subnet: "subnet-" + n.VPC, VPC: n.VPC, Owner: n.Owner, RequesterManaged: n.RequesterManaged,
		Type: "interface", Status: "in-use", Tags: tagsXML(n.Tags)}
	if n.RequesterManaged {
		x.Type, x.RequesterID = "nat_gateway", "amazon-elb"
	}
	for i, a := range n.IPv4 {
		if i == 0 {
			x.PrivateIP = a
		}
		x.PrivateIPs = append(x.PrivateIPs, xmlPrivateIP{Address: a, Primary: i == 0})
	}
	for _, a := range n.IPv6 {
		x.IPv6 = append(x.IPv6, xmlIPv6{Address: a})
	}
	for _, gid := range n.Groups {
		name := gid
		if g := f.group(gid); g != nil {
			name = g.Name
		}
		x.Groups = append(x.Groups, xmlGroupID{ID: gid, Name: name})
	}
	if n.Instance != "" {
		x.Attachment = &xmlAttachment{ID: "eni-attach-" + n.ID, Instance: n.Instance, Owner: n.Owner, Status: "attached"}
	}
	return x
}

func ruleXML(g *fakeGroup, r fakeRule) xmlRule {
	x := xmlRule{ID: r.ID, Group: g.ID, Owner: fakeOwner, Egress: r.Egress, Protocol: r.Protocol, From: r.From, To: r.To,
		Description: r.Description}
	if strings.Contains(r.CIDR, ":") {
		x.IPv6 = r.CIDR
	} else {
		x.IPv4 = r.CIDR
	}
	return x
}

// The answers' XML, element names as EC2 writes them (and the SDK's
// deserializers read them).
type xmlResponse struct {
	XMLName   xml.Name
	Xmlns     string     `xml:"xmlns,attr"`
	RequestID string     `xml:"requestId"`
	Return    string     `xml:"return,omitempty"`
	GroupID   string     `xml:"groupId,omitempty"`
	ENIs      []xmlENI   `xml:"networkInterfaceSet>item"`
	Groups    []xmlGroup `xml:"securityGroupInfo>item"`
	Rules     []xmlRule  `xml:"securityGroupRuleSet>item"`
	Tags      []xmlTag   `xml:"tagSet>item"`
}

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlENI struct {
	ID               string         `xml:"networkInterfaceId"`
	Subnet           string         `xml:"subnetId"`
	VPC              string         `xml:"vpcId"`
	Owner            string         `xml:"ownerId"`
	RequesterID      string         `xml:"requesterId,omitempty"`
	RequesterManaged bool           `xml:"requesterManaged"`
	Type             string         `xml:"interfaceType"`
	Status           string         `xml:"status"`
	PrivateIP        string         `xml:"privateIpAddress,omitempty"`
	Groups           []xmlGroupID   `xml:"groupSet>item"`
	Attachment       *xmlAttachment `xml:"attachment"`
	PrivateIPs       []xmlPrivateIP `xml:"privateIpAddressesSet>item"`
	IPv6             []xmlIPv6      `xml:"ipv6AddressesSet>item"`
	Tags             []xmlTag       `xml:"tagSet>item"`
}

type xmlGroupID struct {
	ID   string `xml:"groupId"`
	Name string `xml:"groupName"`
}

type xmlAttachment struct {
	ID       string `xml:"attachmentId"`
	Instance string `xml:"instanceId"`
	Owner    string `xml:"instanceOwnerId"`
	Status   string `xml:"status"`
}

type xmlPrivateIP struct {
	Address string `xml:"privateIpAddress"`
	Primary bool   `xml:"primary"`
}

type xmlIPv6 struct {
	Address string `xml:"ipv6Address"`
}

type xmlGroup struct {
	Owner       string   `xml:"ownerId"`
	ID          string   `xml:"groupId"`
	Name        string   `xml:"groupName"`
	Description string   `xml:"groupDescription"`
	VPC         string   `xml:"vpcId"`
	Tags        []xmlTag `xml:"tagSet>item"`
}

type xmlRule struct {
	ID          string `xml:"securityGroupRuleId"`
	Group       string `xml:"groupId"`
	Owner       string `xml:"groupOwnerId"`
	Egress      bool   `xml:"isEgress"`
	Protocol    string `xml:"ipProtocol"`
	From        int32  `xml:"fromPort"`
	To          int32  `xml:"toPort"`
	IPv4        string `xml:"cidrIpv4,omitempty"`
	IPv6        string `xml:"cidrIpv6,omitempty"`
	Description string `xml:"description,omitempty"`
}

func tagsXML(tags map[string]string) []xmlTag {
	var out []xmlTag
	for _, k := range sortedKeys(tags) {
		out = append(out, xmlTag{k, tags[k]})
	}
	return out
}

func tagString(tags map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(tags) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ",")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Query-protocol parameters: lists are Name.1, Name.2, …; members of list
// items are Name.N.Member.
type fakeFilter struct {
	name   string
	values []string
}

type filterList []fakeFilter

func readFilters(form url.Values) filterList {
	var fs filterList
	for i := 1; form.Has(fmt.Sprintf("Filter.%d.Name", i)); i++ {
		fs = append(fs, fakeFilter{form.Get(fmt.Sprintf("Filter.%d.Name", i)), list(form, fmt.Sprintf("Filter.%d.Value", i), "")})
	}
	return fs
}

func (fs filterList) values(name string) []string {
	for _, f := range fs {
		if f.name == name {
			return f.values
		}
	}
	return nil
}

func (fs filterList) String() string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.name+"="+strings.Join(f.values, ","))
	}
	return strings.Join(parts, " ")
}

// list reads prefix.1[.member], prefix.2[.member], … until one is missing.
func list(form url.Values, prefix, member string) []string {
	var out []string
	for i := 1; ; i++ {
		k := fmt.Sprintf("%s.%d", prefix, i)
		if member != "" {
			k += "." + member
		}
		if !form.Has(k) {
			return out
		}
		out = append(out, form.Get(k))
	}
}

func readTags(form url.Values, prefix string, into map[string]string) {
	for i := 1; form.Has(fmt.Sprintf("%s.%d.Key", prefix, i)); i++ {
		into[form.Get(fmt.Sprintf("%s.%d.Key", prefix, i))] = form.Get(fmt.Sprintf("%s.%d.Value", prefix, i))
	}
}

// sigV4Region is the region a request was signed for.
func sigV4Region(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	if parts := strings.Split(cred, "/"); len(parts) >= 3 {
		return parts[2]
	}
	return ""
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
