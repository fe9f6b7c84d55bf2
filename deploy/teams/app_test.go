package teamsapp

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"strings"
	"testing"
)

const appID = "8d2f6c1e-0b7a-4c3e-9f11-2a5b6c7d8e9f"

func TestWritePackage(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Options{AppID: appID, Domains: []string{"bot.example.jp"}}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	if len(files) != 3 {
		t.Errorf("package holds %d files, want 3", len(files))
	}
	var m struct {
		ID   string `json:"id"`
		Bots []struct {
			BotID  string   `json:"botId"`
			Scopes []string `json:"scopes"`
		} `json:"bots"`
		ComposeExtensions []struct {
			BotID string `json:"botId"`
		} `json:"composeExtensions"`
		Icons        map[string]string `json:"icons"`
		ValidDomains []string          `json:"validDomains"`
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.ID != appID || len(m.Bots) != 1 || m.Bots[0].BotID != appID || m.ComposeExtensions[0].BotID != appID {
		t.Errorf("ids not filled: %s", files["manifest.json"])
	}
	if strings.Join(m.Bots[0].Scopes, ",") != "personal,team,groupChat" || m.ValidDomains[0] != "bot.example.jp" {
		t.Errorf("manifest %s", files["manifest.json"])
	}
	for name, size := range map[string]int{"color.png": 192, "outline.png": 32} {
		img, err := png.Decode(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %v, want %d×%d", name, b, size, size)
		}
		if m.Icons[strings.TrimSuffix(name, ".png")] != name {
			t.Errorf("manifest does not name %s", name)
		}
	}
	// The outline icon is white on transparent only.
	img, _ := png.Decode(bytes.NewReader(files["outline.png"]))
	for y := range 32 {
		for x := range 32 {
			r, g, b, a := img.At(x, y).RGBA()
			if a != 0 && (r != 0xffff || g != 0xffff || b != 0xffff) {
				t.Fatalf("outline pixel (%d,%d) is not white or transparent", x, y)
			}
		}
	}
}

func TestManifestRefusesBadOptions(t *testing.T) {
	for _, opt := range []Options{{AppID: ""}, {AppID: "secbot"}, {AppID: appID, Website: "http://example.com"}} {
		if _, err := Manifest(opt); err == nil {
			t.Errorf("%+v accepted", opt)
		}
	}
}
