package oracle

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

// decodeRaw turns the HEXTORAW bytes LogMiner prints for `COL n` values (the column's
// internal storage format) into the value as LogMiner would have printed it with a
// matching dictionary, so the ordinary converters apply.
func decodeRaw(c *cdc.Column, hexText string) (sqlredo.Value, error) {
	b, err := hex.DecodeString(hexText)
	if err != nil {
		return sqlredo.Value{}, fmt.Errorf("HEXTORAW(%q): %v", hexText, err)
	}
	switch ct := columnType(c); ct.Name {
	case "NUMBER", "FLOAT":
		s, err := decodeNumber(b)
		return sqlredo.Value{Kind: sqlredo.String, Text: s}, err
	case "DATE", "TIMESTAMP":
		s, err := decodeDate(b)
		kind := sqlredo.Date
		if ct.Name == "TIMESTAMP" {
			kind = sqlredo.Timestamp
		}
		return sqlredo.Value{Kind: kind, Text: s}, err
	case "CHAR", "VARCHAR2", "VARCHAR", "CLOB":
		return sqlredo.Value{Kind: sqlredo.String, Text: string(b)}, nil
	case "NCHAR", "NVARCHAR2", "NCLOB":
		if len(b)%2 != 0 {
			return sqlredo.Value{}, fmt.Errorf("AL16UTF16 value of odd length %d", len(b))
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
		return sqlredo.Value{Kind: sqlredo.String, Text: string(utf16.Decode(u))}, nil
	case "BINARY_FLOAT", "BINARY_DOUBLE":
		s, err := decodeBinaryFloat(b)
		return sqlredo.Value{Kind: sqlredo.String, Text: s}, err
	case "RAW", "BLOB":
		return sqlredo.Value{Kind: sqlredo.Raw, Text: hexText}, nil
	}
	return sqlredo.Value{}, fmt.Errorf("cannot decode the internal format of %s", c.TypeName)
}

// decodeNumber decodes Oracle's NUMBER format: an exponent byte then base-100 digits.
func decodeNumber(b []byte) (string, error) {
	if len(b) == 0 || len(b) > 22 {
		return "", fmt.Errorf("NUMBER of %d bytes", len(b))
	}
	if len(b) == 1 && b[0] == 0x80 {
		return "0", nil
	}
	neg := b[0]&0x80 == 0
	var exp int
	digits := b[1:]
	if neg {
		exp = int(^b[0]&0x7f) - 65
		if len(digits) > 0 && digits[len(digits)-1] == 102 {
			digits = digits[:len(digits)-1]
		}
	} else {
		exp = int(b[0]&0x7f) - 65
	}
	u := new(big.Int)
	hundred := big.NewInt(100)
	for _, d := range digits {
		v := int64(d) - 1
		if neg {
			v = 101 - int64(d)
		}
		if v < 0 || v > 99 {
			return "", fmt.Errorf("NUMBER digit byte %#x out of range", d)
		}
		u.Mul(u, hundred).Add(u, big.NewInt(v))
	}
	// value = u × 100^(exp − len(digits) + 1)
	scale := 2 * (len(digits) - 1 - exp)
	s := u.String()
	if scale <= 0 {
		s += strings.Repeat("0", -scale)
	} else {
		for len(s) <= scale {
			s = "0" + s
		}
		s = strings.TrimRight(s[:len(s)-scale]+"."+s[len(s)-scale:], "0")
		s = strings.TrimSuffix(s, ".")
	}
	if neg {
		s = "-" + s
	}
	return s, nil
}

// decodeDate decodes DATE (7 bytes) and TIMESTAMP (11 bytes, nanoseconds appended).
func decodeDate(b []byte) (string, error) {
	if len(b) != 7 && len(b) != 11 {
		return "", fmt.Errorf("DATE/TIMESTAMP of %d bytes", len(b))
	}
	year := (int(b[0])-100)*100 + int(b[1]) - 100
	s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", year, b[2], b[3], int(b[4])-1, int(b[5])-1, int(b[6])-1)
	if len(b) == 11 {
		s += fmt.Sprintf(".%09d", binary.BigEndian.Uint32(b[7:]))
	}
	return s, nil
}

// decodeBinaryFloat decodes BINARY_FLOAT/BINARY_DOUBLE (IEEE with the sign bit flipped
// for positives and all bits inverted for negatives, so bytes sort numerically).
func decodeBinaryFloat(b []byte) (string, error) {
	c := append([]byte(nil), b...)
	if len(c) == 0 {
		return "", fmt.Errorf("empty BINARY_FLOAT/DOUBLE")
	}
	if c[0]&0x80 != 0 {
		c[0] &^= 0x80
	} else {
		for i := range c {
			c[i] = ^c[i]
		}
	}
	switch len(c) {
	case 4:
		return strconv.FormatFloat(float64(math.Float32frombits(binary.BigEndian.Uint32(c))), 'E', -1, 32), nil
	case 8:
		return strconv.FormatFloat(math.Float64frombits(binary.BigEndian.Uint64(c)), 'E', -1, 64), nil
	}
	return "", fmt.Errorf("BINARY_FLOAT/DOUBLE of %d bytes", len(c))
}
