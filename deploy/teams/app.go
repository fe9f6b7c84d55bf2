// Package teamsapp builds the Microsoft Teams app package of secbot's bot:
// the zip of manifest.json (filled from the template beside this file) and
// its two icons, which an admin uploads in the Teams admin center or a
// person sideloads ("Upload a custom app"). `secbot teams package` calls it.
package teamsapp

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/url"
	"regexp"
	"text/template"
	"time"
)

//go:embed manifest.json
var manifestTemplate string

// Options fill the manifest template.
type Options struct {
	// AppID is the bot's Microsoft app id (TEAMS_APP_ID), a GUID: the
	// app's id, the bot's and the compose extension's.
	AppID string
	// Version is the app version, "1.0.0" when "": raise it for each
	// upload that changes the manifest.
	Version string
	// Website is the developer's https URL shown in the app details
	// (also used as privacy and terms URL); "" means https://example.com/secbot.
	Website string
	// Domains are the app's valid domains (the bot's host), may be empty.
	Domains []string
}

var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Manifest returns manifest.json filled from opt, checked to be JSON.
func Manifest(opt Options) ([]byte, error) {
	if !guid.MatchString(opt.AppID) {
		return nil, fmt.Errorf("teamsapp: app id %q is not a GUID (TEAMS_APP_ID is the Microsoft app id of the bot)", opt.AppID)
	}
	if opt.Version == "" {
		opt.Version = "1.0.0"
	}
	if opt.Website == "" {
		opt.Website = "https://example.com/secbot"
	}
	if u, err := url.Parse(opt.Website); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("teamsapp: website %q is not an https URL", opt.Website)
	}
	if opt.Domains == nil {
		opt.Domains = []string{}
	}
	t, err := template.New("manifest.json").Funcs(template.FuncMap{"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	}}).Parse(manifestTemplate)
	if err != nil {
		return nil, fmt.Errorf("teamsapp: manifest template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, opt); err != nil {
		return nil, fmt.Errorf("teamsapp: manifest template: %w", err)
	}
	if !json.Valid(b.Bytes()) {
		return nil, fmt.Errorf("teamsapp: the filled manifest is not JSON")
	}
	return b.Bytes(), nil
}

// Write writes the app package (manifest.json, color.png, outline.png) as
// a zip to w.
func Write(w io.Writer, opt Options) error {
	manifest, err := Manifest(opt)
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{"manifest.json", func() ([]byte, error) { return manifest, nil }},
		{"color.png", func() ([]byte, error) { return encodePNG(ColorIcon()) }},
		{"outline.png", func() ([]byte, error) { return encodePNG(OutlineIcon()) }},
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("teamsapp: %s: %w", f.name, err)
		}
		// A fixed time keeps the package byte-for-byte reproducible.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate,
			Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// accent is the app's accent colour (#1F4E79).
var accent = color.NRGBA{0x1F, 0x4E, 0x79, 0xFF}

// ColorIcon is the 192×192 full-colour icon: a white shield on the accent
// colour.
func ColorIcon() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 192, 192))
	for y := range 192 {
		for x := range 192 {
			c := accent
			if inShield(float64(x)/192, float64(y)/192) {
				c = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// OutlineIcon is the 32×32 outline icon Teams wants: white on transparent.
func OutlineIcon() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			fx, fy := float64(x)/32, float64(y)/32
			// The shield's rim only: inside the shield, outside a smaller one.
			if inShield(fx, fy) && !inShield(0.5+(fx-0.5)*1.35, 0.12+(fy-0.12)*1.35) {
				img.SetNRGBA(x, y, color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF})
			}
		}
	}
	return img
}

// inShield reports whether (x, y) in [0,1)² is inside a shield: a band
// from 0.2 to 0.8 wide down to 0.55, then narrowing to a point at 0.85.
func inShield(x, y float64) bool {
	const top, mid, bottom = 0.15, 0.55, 0.85
	d := x - 0.5
	if d < 0 {
		d = -d
	}
	switch {
	case y < top || y > bottom:
		return false
	case y <= mid:
		return d <= 0.3
	default:
		return d <= 0.3*(bottom-y)/(bottom-mid)
	}
}
