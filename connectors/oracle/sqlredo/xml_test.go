package sqlredo

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseXMLBegin reads both XML_BEGIN shapes Debezium's XmlBeginParserTest prints:
// the binary-storage select and the CLOB-storage update with a table alias.
func TestParseXMLBegin(t *testing.T) {
	tests := []struct {
		name, sql, want, wantErr string
	}{
		{name: "binary storage", sql: `XML DOC BEGIN:  select "DATA" from "DEBEZIUM"."XML_TEST" where "ID" = '1'`,
			want: `DEBEZIUM.XML_TEST.DATA [ID=string:1]`},
		{name: "binary storage, quoted names with spaces", sql: `XML DOC BEGIN:  select "DATA OBJ" from "DEBEZIUM OBJ"."XML_TEST OBJ" where "ID" = '1'`,
			want: `DEBEZIUM OBJ.XML_TEST OBJ.DATA OBJ [ID=string:1]`},
		{name: "text storage with an alias", sql: `update "DEBEZIUM"."XML_TEST" a set a."DATA" = XMLType(:1)  where a."ID" = '1';`,
			want: `DEBEZIUM.XML_TEST.DATA [ID=string:1]`},
		{name: "text storage, full row image", sql: `update "FINX"."XDOCS" a set a."PAYLOAD" = XMLType(:1) where a."DOC_ID" = '7' and a."KIND" IS NULL;`,
			want: `FINX.XDOCS.PAYLOAD [DOC_ID=string:7 KIND=NULL:]`},
		{name: "no space in the preamble", sql: `XMLDOCBEGIN:  select "DATA" from "DEBEZIUM"."XML_TEST" where "ID" = '1'`, wantErr: "expected"},
		{name: "not XMLType", sql: `update "S"."T" a set a."DATA" = :1 where a."ID" = '1';`, wantErr: "XMLType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseXMLBegin(tt.sql)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var w []string
			for _, c := range l.Where {
				w = append(w, fmt.Sprintf("%s=%s:%s", c.Name, c.Value.Kind, c.Value.Text))
			}
			if got := fmt.Sprintf("%s.%s.%s [%s]", l.Owner, l.Table, l.Column, strings.Join(w, " ")); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestParseXMLWrite reads the XML_WRITE shapes of Debezium's XmlWriteParserTest.
func TestParseXMLWrite(t *testing.T) {
	tests := []struct {
		name, sql, want, wantErr string
		null                     bool
	}{
		{name: "UTF-8 bytes", sql: "XML_REDO := HEXTORAW('3c726f6f743ec3843c2f726f6f743e'):15", want: "<root>\u00c4</root>"},
		{name: "Latin-1 bytes", sql: "XML_REDO := HEXTORAW('3c726f6f743ec43c2f726f6f743e'):14", want: "<root>\u00c4</root>"},
		{name: "Latin-1 only", sql: "XML_REDO := HEXTORAW('c5c4d6'):3", want: "\u00c5\u00c4\u00d6"},
		{name: "length shorter than the buffer", sql: "XML_REDO := HEXTORAW('3c613e3c2f613e2020'):7", want: "<a></a>"},
		{name: "null", sql: "XML_REDO := NULL", null: true},
		{name: "text", sql: "<root>test</root>", want: "<root>test</root>"},
		{name: "length past the buffer", sql: "XML_REDO := HEXTORAW('3c61'):9", wantErr: "does not fit"},
		{name: "odd hex", sql: "XML_REDO := HEXTORAW('3c6'):1", wantErr: "HEXTORAW"},
		{name: "no assignment", sql: "XML_REDO HEXTORAW('3c')", wantErr: ":="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseXMLWrite(tt.sql)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w.Null != tt.null || w.Document() != tt.want {
				t.Errorf("null=%v document %q, want null=%v %q", w.Null, w.Document(), tt.null, tt.want)
			}
		})
	}
}

// FuzzParseXML checks that no XML_BEGIN or XML_WRITE text panics the parsers.
func FuzzParseXML(f *testing.F) {
	f.Add(`XML DOC BEGIN:  select "DATA" from "S"."T" where "ID" = '1'`)
	f.Add(`update "S"."T" a set a."DATA" = XMLType(:1) where a."ID" = '1';`)
	f.Add("XML_REDO := HEXTORAW('3c61'):2")
	f.Fuzz(func(t *testing.T, s string) {
		ParseXMLBegin(s)
		if w, err := ParseXMLWrite(s); err == nil {
			w.Document()
		}
	})
}
