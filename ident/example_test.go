package ident_test

import (
	"fmt"

	"github.com/mpimis/mpimis/ident"
)

func ExampleRoomKeyFor() {
	key, norm, err := ident.RoomKeyFor("HTTPS://User:pw@Example.COM:443/A/./b/../C?utm_source=x&b=2&a=1#top")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(norm)
	fmt.Println(key)

	_, _, err = ident.RoomKeyFor("ftp://example.com/")
	fmt.Println(err)
	// Output:
	// https://example.com/A/C?a=1&b=2
	// zqxvxopbt4jjf7igb576oc4dmi
	// ident: url scheme "ftp" is not http or https
}

func ExampleParsePhone() {
	p, err := ident.ParsePhone("0151 1234 5678", "DE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.E164())
	fmt.Println(p.SMPPAddr())
	fmt.Println(p)
	fmt.Printf("%#v\n", p)

	_, err = ident.ParsePhone("+49 12", "")
	fmt.Println(err)
	// Output:
	// +4915112345678
	// 4915112345678
	// +49*********78
	// ident.Phone{"+49*********78"}
	// ident: phone number is not possible
}

func ExampleParseNick() {
	n, err := ident.ParseNick("Alice")
	fmt.Println(n, err)
	_, err = ident.ParseNick("al ice")
	fmt.Println(err)
	// Output:
	// alice <nil>
	// ident: nick has a character that is not allowed: ' ' at position 3 (allowed: a-z 0-9 . _ -)
}
