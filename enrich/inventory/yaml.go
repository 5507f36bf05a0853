package inventory

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// yamlFile is the document shape of DESIGN §3, shared by YAML and JSON.
type yamlFile struct {
	Networks  []rawNetwork  `yaml:"networks"`
	Workloads []rawWorkload `yaml:"workloads"`
}

func parseYAML(data []byte) (file, error) {
	var doc yamlFile
	// Unknown keys are errors: a hand-written "ip:" for "ips:" would otherwise
	// silently leave a workload without addresses.
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.DisallowUnknownField()); err != nil {
		return file{}, errors.New(yaml.FormatError(err, false, false))
	}
	return file{
		networks:  doc.Networks,
		workloads: doc.Workloads,
		locate:    yamlLocator(data),
	}, nil
}

// yamlLocator finds the line of an item by its YAML path. The document is parsed
// again only when an error needs a position.
func yamlLocator(data []byte) func(section string, i int, field string, j int) string {
	return func(section string, i int, field string, j int) string {
		p := fmt.Sprintf("$.%s[%d]", section, i)
		if field != "" {
			p += "." + field
			if j >= 0 {
				p += fmt.Sprintf("[%d]", j)
			}
		}
		where := fmt.Sprintf("%s[%d]", section, i)
		ast, err := parser.ParseBytes(data, 0)
		if err != nil {
			return where
		}
		path, err := yaml.PathString(p)
		if err != nil {
			return where
		}
		node, err := path.FilterFile(ast)
		if err != nil || node == nil || node.GetToken() == nil {
			return where
		}
		return fmt.Sprintf("line %d (%s)", node.GetToken().Position.Line, where)
	}
}

// stringList accepts a YAML list of scalars or one string of values separated by
// commas, semicolons or spaces ("10.0.0.1; 10.0.0.2").
type stringList []string

func (l *stringList) UnmarshalYAML(unmarshal func(any) error) error {
	var list []scalar
	if err := unmarshal(&list); err == nil {
		*l = make(stringList, 0, len(list))
		for _, s := range list {
			if s != "" {
				*l = append(*l, string(s))
			}
		}
		return nil
	}
	var one scalar
	if err := unmarshal(&one); err != nil {
		return fmt.Errorf("want a list or a string: %w", err)
	}
	*l = splitList(string(one))
	return nil
}

// scalar is a YAML scalar of any type kept as text, so that `env: 1` or
// `pci: true` in labels are read as "1" and "true".
type scalar string

func (s *scalar) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*s = ""
	case string:
		*s = scalar(v)
	case bool, int, int64, uint64, float64:
		*s = scalar(fmt.Sprint(v))
	default:
		return fmt.Errorf("want a single value, got %T", v)
	}
	return nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == ' ' || r == '\t'
	})
}
