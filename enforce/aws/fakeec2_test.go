package aws

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeEC2 is a local EC2 endpoint speaking the EC2 Query protocol (form-encoded
// Action=...&Version=2016-11-15, XML answers in the EC2 namespace, errors as
// <Response><Errors><Error>). It keeps interfaces, groups, rules and tags in
// memory, enforces what real EC2 enforces where weir could trip on it
// (duplicate groups and rules, unknown filters and ids, a group still in use),
// and records every call with its key parameters.
type fakeEC2 struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	enis     []*fakeENI
	groups   []*fakeGroup
	ipv6VPCs map[string]bool // a new group there also gets an allow-all IPv6 egress rule
	// staleRuleReads is how many DescribeSecurityGroupRules calls answer no
	// rules, as EC2 may right after a group is created.
	staleRuleReads int
	calls          []string
	regions        []string // the SigV4 region of each call
	failures       map[string][]fakeFailure
	seq            int
}

type fakeENI struct {
	ID, VPC, Owner, Instance string
	IPv4, IPv6               []string
	Groups                   []string
	Tags                     map[string]string
	RequesterManaged         bool
}

type fakeGroup struct {
	ID, Name, VPC, Description string
	Tags                       map[string]string
	Rules                      []fakeRule
}

type fakeRule struct {
	ID          string
	Egress      bool
	Protocol    string
	From, To    int32
	CIDR        string
	Description string
}

type fakeFailure struct {
	status int
	code   string
}

const fakeOwner = "111122223333"

func newFakeEC2(t *testing.T) *fakeEC2 {
	f := &fakeEC2{t: t, ipv6VPCs: map[string]bool{}, failures: map[string][]fakeFailure{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeEC2) addENI(n fakeENI) *fakeENI {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n.Owner == "" {
		n.Owner = fakeOwner
	}
	if n.Tags == nil {
		n.Tags = map[string]string{}
	}
	f.enis = append(f.enis, &n)
	return &n
}

func (f *fakeEC2) addGroup(g fakeGroup) *fakeGroup {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g.Tags == nil {
		g.Tags = map[string]string{}
	}
	f.groups = append(f.groups, &g)
	return &g
}

// failNext makes the next call of action fail with an EC2 error.
func (f *fakeEC2) failNext(action string, status int, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[action] = append(f.failures[action], fakeFailure{status, code})
}

// takeCalls returns the calls recorded since the last takeCalls.
func (f *fakeEC2) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func (f *fakeEC2) eni(id string) *fakeENI {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.enis {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func (f *fakeEC2) groupNamed(name string) *fakeGroup {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// ec2Error is an error answer; the handlers return it.
type ec2Error struct {
	status        int
	code, message string
}

func (e *ec2Error) Error() string { return e.code + ": " + e.message }

func badRequest(code, format string, args ...any) *ec2Error {
	return &ec2Error{http.StatusBadRequest, code, fmt.Sprintf(format, args...)}
}

func (f *fakeEC2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		f.t.Errorf("fake EC2: want a POSTed form, got %s (%v)", r.Method, err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	action := form.Get("Action")
	if v := form.Get("Version"); v != "2016-11-15" {
		f.t.Errorf("fake EC2: %s with Version %q", action, v)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.regions = append(f.regions, sigV4Region(r.Header.Get("Authorization")))

	resp := &xmlResponse{XMLName: xml.Name{Local: action + "Response"}, Xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/",
		RequestID: fmt.Sprintf("req-%d", len(f.regions))}
	var err *ec2Error
	if q := f.failures[action]; len(q) > 0 {
		// Injected failures answer before anything changes, like a throttle.
		f.failures[action] = q[1:]
		f.calls = append(f.calls, action+" -> "+q[0].code)
		err = &ec2Error{q[0].status, q[0].code, "injected by the test"}
	} else {
		var call string
		call, err = f.handle(action, form, resp)
		f.calls = append(f.calls, call)
	}
	if err != nil {
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(err.status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			escape(err.code), escape(err.message), resp.RequestID)
		return
	}
	out, merr := xml.Marshal(resp)
	if merr != nil {
		f.t.Errorf("fake EC2: marshal %s: %v", action, merr)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(w, "%s\n%s", xml.Header, out)
}

// handle answers one call into resp and returns how the call is recorded.
// Failing calls change nothing.
func (f *fakeEC2) handle(action string, form url.Values, resp *xmlResponse) (string, *ec2Error) {
	switch action {
	case "DescribeNetworkInterfaces":
		filters := readFilters(form)
		for _, n := range f.enis {
			ok, err := f.eniMatches(n, filters)
			if err != nil {
				return action + " " + filters.String(), err
			}
			if ok {
				resp.ENIs = append(resp.ENIs, f.eniXML(n))
			}
		}
		return action + " " + filters.String(), nil

	case "DescribeSecurityGroups":
		filters := readFilters(form)
		for _, g := range f.groups {
			ok, err := groupMatches(g, filters)
			if err != nil {
				return action + " " + filters.String(), err
			}
			if ok {
				resp.Groups = append(resp.Groups, xmlGroup{Owner: fakeOwner, ID: g.ID, Name: g.Name,
					Description: g.Description, VPC: g.VPC, Tags: tagsXML(g.Tags)})
			}
		}
		return action + " " + filters.String(), nil

	case "DescribeSecurityGroupRules":
		filters := readFilters(form)
		for _, fl := range filters {
			if fl.name != "group-id" {
				return action + " " + filters.String(), badRequest("InvalidParameterValue", "The filter '%s' is invalid", fl.name)
			}
		}
		if f.staleRuleReads > 0 {
			f.staleRuleReads--
			return action + " " + filters.String(), nil
		}
		for _, g := range f.groups {
			if !slices.Contains(filters.values("group-id"), g.ID) {
				continue
			}
			for _, r := range g.Rules {
				resp.Rules = append(resp.Rules, ruleXML(g, r))
			}
		}
		return action + " " + filters.String(), nil

	case "CreateSecurityGroup":
		name, vpc := form.Get("GroupName"), form.Get("VpcId")
		tags := map[string]string{}
		for i := 1; form.Has(fmt.Sprintf("TagSpecification.%d.ResourceType", i)); i++ {
			if rt := form.Get(fmt.Sprintf("TagSpecification.%d.ResourceType", i)); rt != "security-group" {
				return action, badRequest("InvalidParameterValue", "resource type %s", rt)
			}
			readTags(form, fmt.Sprintf("TagSpecification.%d.Tag", i), tags)
		}
		call := fmt.Sprintf("%s %s %s tags=%s", action, vpc, name, tagString(tags))
		if name == "" || vpc == "" || form.Get("GroupDescription") == "" {
			return call, badRequest("MissingParameter", "want GroupName, GroupDescription and VpcId")
		}
		for _, g := range f.groups {
			if g.Name == name && g.VPC == vpc {
				return call, badRequest("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpc)
			}
		}
		f.seq++
		g := &fakeGroup{ID: fmt.Sprintf("sg-new%d", f.seq), Name: name, VPC: vpc, Description: form.Get("GroupDescription"),
			Tags: tags}
		// EC2 gives every new group an allow-all egress rule (IPv6 too where the VPC has IPv6).
		g.Rules = append(g.Rules, f.newRule(fakeRule{Egress: true, Protocol: "-1", From: -1, To: -1, CIDR: "0.0.0.0/0"}))
		if f.ipv6VPCs[vpc] {
			g.Rules = append(g.Rules, f.newRule(fakeRule{Egress: true, Protocol: "-1", From: -1, To: -1, CIDR: "::/0"}))
		}
		f.groups = append(f.groups, g)
		resp.GroupID, resp.Tags = g.ID, tagsXML(tags)
		return call, nil

	case "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress":
		egress := action == "AuthorizeSecurityGroupEgress"
		id := form.Get("GroupId")
		var parts []string
		var add []fakeRule
		for i := 1; form.Has(fmt.Sprintf("IpPermissions.%d.IpProtocol", i)); i++ {
			p := fmt.Sprintf("IpPermissions.%d.", i)
			proto := form.Get(p + "IpProtocol")
			from, _ := strconv.Atoi(form.Get(p + "FromPort"))
			to, _ := strconv.Atoi(form.Get(p + "ToPort"))
			if proto != "-1" && (!form.Has(p+"FromPort") || !form.Has(p+"ToPort")) {
				return action + " " + id, badRequest("MissingParameter", "%s needs ports", proto)
			}
			if proto == "-1" {
				from, to = -1, -1
			}
			cidrs := slices.Concat(list(form, p+"IpRanges", "CidrIp"), list(form, p+"Ipv6Ranges", "CidrIpv6"))
			descs := slices.Concat(list(form, p+"IpRanges", "Description"), list(form, p+"Ipv6Ranges", "Description"))
			parts = append(parts, fmt.Sprintf("%s/%d/%d %s", proto, from, to, strings.Join(cidrs, " ")))
			for k, c := range cidrs {
				r := fakeRule{Egress: egress, Protocol: proto, From: int32(from), To: int32(to), CIDR: c}
				if k < len(descs) {
					r.Description = descs[k]
				}
				add = append(add, r)
			}
		}
		call := action + " " + id + " " + strings.Join(parts, "; ")
		g := f.group(id)
		if g == nil {
			return call, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
		for _, r := range add {
			for _, have := range g.Rules {
				if have.Egress == r.Egress && have.Protocol == r.Protocol && have.From == r.From && have.To == r.To &&
					have.CIDR == r.CIDR {
					return call, badRequest("InvalidPermission.Duplicate", "the specified rule already exists")
				}
			}
		}
		for _, r := range add {
			r = f.newRule(r)
			g.Rules = append(g.Rules, r)
			resp.Rules = append(resp.Rules, ruleXML(g, r))
		}
		resp.Return = "true"
		return call, nil

	case "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress":
		egress := action == "RevokeSecurityGroupEgress"
		id := form.Get("GroupId")
		ids := list(form, "SecurityGroupRuleId", "")
		call := action + " " + id + " " + strings.Join(ids, ",")
		g := f.group(id)
		if g == nil {
			return call, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
		for _, rid := range ids {
			if !slices.ContainsFunc(g.Rules, func(r fakeRule) bool { return r.ID == rid && r.Egress == egress }) {
				return call, badRequest("InvalidSecurityGroupRuleId.NotFound", "rule %s is not a rule of this direction of %s", rid, id)
			}
		}
		g.Rules = slices.DeleteFunc(g.Rules, func(r fakeRule) bool { return slices.Contains(ids, r.ID) })
		resp.Return = "true"
		return call, nil

	case "ModifyNetworkInterfaceAttribute":
		id := form.Get("NetworkInterfaceId")
		groups := list(form, "SecurityGroupId", "")
		call := action + " " + id + " " + strings.Join(groups, ",")
		n := f.findENI(id)
		if n == nil {
			return call, badRequest("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
		}
		for _, gid := range groups {
			if g := f.group(gid); g == nil || g.VPC != n.VPC {
				return call, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", gid, n.VPC)
			}
		}
		n.Groups = groups
		resp.Return = "true"
		return call, nil

	case "CreateTags", "DeleteTags":
		ids := list(form, "ResourceId", "")
		var parts []string
		kv := map[string]string{}
		for i := 1; form.Has(fmt.Sprintf("Tag.%d.Key", i)); i++ {
			k := form.Get(fmt.Sprintf("Tag.%d.Key", i))
			kv[k] = form.Get(fmt.Sprintf("Tag.%d.Value", i))
			if action == "CreateTags" {
				parts = append(parts, k+"="+kv[k])
			} else {
				parts = append(parts, k)
			}
		}
		call := action + " " + strings.Join(ids, ",") + " " + strings.Join(parts, " ")
		for _, id := range ids {
			if f.tagsOf(id) == nil {
				return call, badRequest("InvalidID", "The ID '%s' is not valid", id)
			}
		}
		for _, id := range ids {
			tags := f.tagsOf(id)
			for k, v := range kv {
				if action == "CreateTags" {
					tags[k] = v
				} else {
					delete(tags, k)
				}
			}
		}
		resp.Return = "true"
		return call, nil

	case "DeleteSecurityGroup":
		id := form.Get("GroupId")
		call := action + " " + id
		if f.group(id) == nil {
			return call, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
		for _, n := range f.enis {
			if slices.Contains(n.Groups, id) {
				return call, badRequest("DependencyViolation", "resource %s has a dependent object", id)
			}
		}
		f.groups = slices.DeleteFunc(f.groups, func(g *fakeGroup) bool { return g.ID == id })
		resp.Return, resp.GroupID = "true", id
		return call, nil
	}
	return action, badRequest("InvalidAction", "The action %s is not valid for this web service.", action)
}

func (f *fakeEC2) newRule(r fakeRule) fakeRule {
	f.seq++
	r.ID = fmt.Sprintf("sgr-%d", f.seq)
	return r
}

func (f *fakeEC2) group(id string) *fakeGroup {
	for _, g := range f.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (f *fakeEC2) findENI(id string) *fakeENI {
	for _, n := range f.enis {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func (f *fakeEC2) tagsOf(id string) map[string]string {
	if n := f.findENI(id); n != nil {
		return n.Tags
	}
	if g := f.group(id); g != nil {
		return g.Tags
	}
	return nil
}

func (f *fakeEC2) eniMatches(n *fakeENI, filters filterList) (bool, *ec2Error) {
	for _, fl := range filters {
		var have []string
		switch {
		case fl.name == "attachment.instance-id":
			have = []string{n.Instance}
		case fl.name == "addresses.private-ip-address":
			have = n.IPv4
		case fl.name == "ipv6-addresses.ipv6-address":
			have = n.IPv6
		case fl.name == "vpc-id":
			have = []string{n.VPC}
		case strings.HasPrefix(fl.name, "tag:"):
			if v, ok := n.Tags[strings.TrimPrefix(fl.name, "tag:")]; ok {
				have = []string{v}
			}
		default:
			return false, badRequest("InvalidParameterValue", "The filter '%s' is invalid", fl.name)
		}
		if !slices.ContainsFunc(have, func(h string) bool { return h != "" && slices.Contains(fl.values, h) }) {
			return false, nil
		}
	}
	return true, nil
}

func groupMatches(g *fakeGroup, filters filterList) (bool, *ec2Error) {
	for _, fl := range filters {
		var have string
		switch {
		case fl.name == "group-name":
			have = g.Name
		case fl.name == "group-id":
			have = g.ID
		case fl.name == "vpc-id":
			have = g.VPC
		case strings.HasPrefix(fl.name, "tag:"):
			have = g.Tags[strings.TrimPrefix(fl.name, "tag:")]
		default:
			return false, badRequest("InvalidParameterValue", "The filter '%s' is invalid", fl.name)
		}
		if have == "" || !slices.Contains(fl.values, have) {
			return false, nil
		}
	}
	return true, nil
}
